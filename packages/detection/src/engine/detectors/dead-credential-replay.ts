import { F_FAIL_EWMA } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { round2 } from './evidence.js';
import { lifecycleFinding } from './lifecycle-finding.js';
import { revokedAt } from './revocations.js';
import type { DetectionContext, Finding } from './types.js';

/** 401s within the window that make a replay rather than a client retrying once or twice before it refreshes. */
const REFUSALS = 10;
const WINDOW_MS = 30 * 60_000;
/** History that shows the credential worked: this many events, mostly accepted. */
const WORKED_EVENTS = 20;
const WORKED_MAX_FAILURE_SHARE = 0.3;
/** Place novelty of a network new to the credential (a new ASN or country, not a new address in a known one). */
const NEW_NETWORK_NOVELTY = 30;

interface RefusalWindow {
  start: number;
  count: number;
}

/** Each credential's current window, keyed by its profile (short-lived state that goes with an evicted profile). */
const WINDOWS = new WeakMap<Profile, RefusalWindow>();

/**
 * A credential that worked (`WORKED_EVENTS` events, mostly accepted) now refused with 401 `REFUSALS` times within
 * 30 minutes from a network it never used: a revoked or expired token replayed by someone else. Access logs (nginx,
 * a native export without lifecycle fields) say only "401", never "revoked"; the owner's own client refreshes or
 * signs in again after one or two, from where it works. A revocation the stream itself recorded is reported by the
 * lifecycle rule instead.
 *
 * @example
 * ```ts
 * detectDeadCredentialReplay(ctx, findings); // from detectTokenLifecycle, for events with no lifecycle signal
 * ```
 */
export function detectDeadCredentialReplay(ctx: DetectionContext, out: Finding[]): void {
  if (ctx.ev.status !== 401 || ctx.placeNovelty < NEW_NETWORK_NOVELTY) return;
  const cred = ctx.cred;
  if (cred.events < WORKED_EVENTS || cred.f[cred.fo + F_FAIL_EWMA]! >= WORKED_MAX_FAILURE_SHARE) return;
  if (revokedAt(ctx.org, cred.key) !== undefined) return;
  let w = WINDOWS.get(cred);
  if (w === undefined || ctx.now - w.start > WINDOW_MS || ctx.now < w.start) {
    w = { start: ctx.now, count: 0 };
    WINDOWS.set(cred, w);
  }
  w.count++;
  if (w.count !== REFUSALS) return;
  const newClient = ctx.clientNovelty >= NEW_NETWORK_NOVELTY;
  out.push(
    lifecycleFinding(
      ctx,
      newClient ? 75 : 65,
      'dead_credential_replayed',
      `a credential that worked refused ${REFUSALS} times in ${Math.max(1, Math.round((ctx.now - w.start) / 60_000))} min from a network it never used${newClient ? ' and a new client' : ''}: a revoked or expired token replayed`,
      {
        refusals: REFUSALS,
        window_start: new Date(w.start).toISOString(),
        baseline: { credential_events: cred.events, failure_share: round2(cred.f[cred.fo + F_FAIL_EWMA]!) },
        thresholds: { refusals: REFUSALS, window_minutes: WINDOW_MS / 60_000, worked_events: WORKED_EVENTS },
      },
    ),
  );
}
