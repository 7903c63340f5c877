import type { EnrichedEvent } from '../../enriched-event.js';
import { eventClientHash } from '../event-keys.js';
import type { OrgStats } from '../profile/org-stats.js';
import { hashString } from '../sketches/hash.js';
import { orgState } from './org-memory.js';
import type { DetectionContext } from './types.js';

/** Rotations remembered per engine; when full, those older than the race window go first. */
const MAX_ROTATIONS = 50_000;

/**
 * The longest a refresh token's reuse may follow its rotation and still be the rotating client racing itself: two
 * tabs refreshing at once, or a retry after a lost response. A thief's copy comes later, or from elsewhere.
 */
export const REFRESH_RACE_MS = 30_000;

/** Where a refresh token was rotated from: when, the address and the client (hashes; 0 when the event had none). */
interface Rotation {
  at: number;
  ip: number;
  client: number;
  tls: number;
}

/**
 * Each refresh token's latest rotation, per engine (keyed by its organisation statistics). Not in the snapshot: it
 * matters for seconds.
 */
const ROTATIONS = new WeakMap<OrgStats, Map<string, Rotation>>();
const newRotations = (): Map<string, Rotation> => new Map();

/**
 * The rotation's context, from the event that shows the rotating request, hashed as the engine hashes an event's
 * (`ctx.ipHash`, `ctx.clientHash`, `ctx.tlsHash`): a lifecycle event about a credential gets no detection context.
 */
function rotationOf(ev: EnrichedEvent, now: number): Rotation {
  return {
    at: now,
    ip: ev.source_ip ? hashString(ev.source_ip) : 0,
    client: eventClientHash(ev),
    tls: ev.tls_fingerprint ? hashString(ev.tls_fingerprint) : 0,
  };
}

/**
 * Remembers where a refresh token was rotated from: `token.rotated` names the spent token itself, `token.refreshed`
 * names it as `parent_credential_id` of the new one. Other events are ignored.
 *
 * @example
 * ```ts
 * noteRotation(org, ev, credKey, ev.ts); // ev: token.refreshed, parent_credential_id 'rt_old'
 * ```
 */
export function noteRotation(org: OrgStats, ev: EnrichedEvent, credKey: string, now: number): void {
  const parent = ev.attributes?.parent_credential_id;
  const spent = ev.lifecycle === 'token.rotated' ? credKey : ev.lifecycle === 'token.refreshed' && typeof parent === 'string' ? parent : '';
  if (spent.length === 0) return;
  const rotations = orgState(ROTATIONS, org, newRotations);
  if (rotations.size >= MAX_ROTATIONS) {
    for (const [key, r] of rotations) if (now - r.at > REFRESH_RACE_MS) rotations.delete(key);
    if (rotations.size >= MAX_ROTATIONS) rotations.clear();
  }
  rotations.delete(spent);
  rotations.set(spent, rotationOf(ev, now));
}

/**
 * True when this reuse of the event's refresh token comes from the very address and client (and TLS fingerprint,
 * when both carry one) that rotated it, within {@link REFRESH_RACE_MS}: the rotating client racing itself, not a copy.
 *
 * @example
 * ```ts
 * const race = racesItsRotation(ctx);
 * ```
 */
export function racesItsRotation(ctx: DetectionContext): boolean {
  const rotation = ROTATIONS.get(ctx.org)?.get(ctx.cred.key);
  if (rotation === undefined || rotation.ip === 0 || rotation.client === 0) return false;
  if (Math.abs(ctx.now - rotation.at) > REFRESH_RACE_MS || ctx.ipHash !== rotation.ip || ctx.clientHash !== rotation.client) return false;
  return ctx.tlsHash === 0 || rotation.tls === 0 || ctx.tlsHash === rotation.tls;
}
