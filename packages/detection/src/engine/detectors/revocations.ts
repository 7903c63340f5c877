import type { OrgStats } from '../profile/org-stats.js';
import { type OrgMemory, orgState } from './org-memory.js';

/** Revocations remembered per engine; the oldest is forgotten first. */
const MAX_REVOKED = 100_000;

/**
 * When each credential was revoked or suspended, as the stream's lifecycle events said (`token.revoked`,
 * `token.suspended`; `token.reinstated` lifts it), per engine: keyed by its organisation statistics, replaced on
 * restore, and saved in the snapshot (`REVOCATIONS_MEMORY`). A log from a system the revocation never reached still
 * shows the token working, and nothing in that log says it should not.
 */
const REVOKED = new WeakMap<OrgStats, Map<string, number>>();

const newRevoked = (): Map<string, number> => new Map();

function revokedOf(org: OrgStats): Map<string, number> {
  return orgState(REVOKED, org, newRevoked);
}

/**
 * Remembers a revocation or suspension of `credential` at `now` (the first one counts), or forgets it on
 * reinstatement; other lifecycle types are ignored.
 *
 * @example
 * ```ts
 * noteRevocation(org, 'key_01J…', 'token.revoked', Date.parse('2026-11-12T09:00:00Z'));
 * ```
 */
export function noteRevocation(org: OrgStats, credential: string, lifecycle: string | undefined, now: number): void {
  if (lifecycle === 'token.reinstated') {
    REVOKED.get(org)?.delete(credential);
    return;
  }
  if (lifecycle !== 'token.revoked' && lifecycle !== 'token.suspended') return;
  const revoked = revokedOf(org);
  if (revoked.has(credential)) return;
  if (revoked.size >= MAX_REVOKED) revoked.delete(revoked.keys().next().value as string);
  revoked.set(credential, now);
}

/**
 * When `credential` was revoked or suspended, or undefined.
 *
 * @example
 * ```ts
 * const at = revokedAt(ctx.org, ctx.cred.key);
 * if (at !== undefined && ctx.now > at) { ... }
 * ```
 */
export function revokedAt(org: OrgStats, credential: string): number | undefined {
  const revoked = REVOKED.get(org);
  return revoked === undefined || revoked.size === 0 ? undefined : revoked.get(credential);
}

/** The revocations, in the engine's snapshot: `[credential, revokedAtMs]`, oldest first. */
export const REVOCATIONS_MEMORY: OrgMemory = {
  name: 'token_lifecycle.revoked',
  save: (org) => [...(REVOKED.get(org) ?? new Map<string, number>())],
  load: (org, data) => {
    if (!Array.isArray(data)) return;
    const revoked = revokedOf(org);
    for (const entry of data) {
      if (revoked.size >= MAX_REVOKED) break;
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || entry[0].length === 0 || !Number.isFinite(entry[1])) continue;
      revoked.set(entry[0], entry[1] as number);
    }
  },
};
