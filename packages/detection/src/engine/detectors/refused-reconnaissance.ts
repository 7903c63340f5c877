import { STAGE_CAPABILITY_PROBE, STAGE_DISCOVERY } from '../classify/operation-class.js';
import { F_FAIL_EWMA } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { familiarContext, operationUsed } from './baseline-knowledge.js';
import type { DetectionContext, Finding } from './types.js';

/** Operations remembered per window at least (past `probing.refusedDistinct` only the count matters). */
const MAX_TRACKED = 16;
/** History the credential needs before its novelty can lift the finding to "act now": its very first hour is a new job's. */
const MIN_HISTORY_HOURS = 1;
/** Place or client novelty that corroborates the refusals. */
const CORROBORATING_NOVELTY = 20;
/** Share of the score a still-learned credential's uncorroborated refusals give the chain as suspicion (below its threshold). */
const LEARNING_SUSPICION = 0.6;
/** A new key's first day, when its owner tries out what it may do. */
const OWNERS_TRIAL_HOURS = 24;
/** Share of refusals above which refusing is the credential's habit (a misconfigured job). */
const HABITUAL_FAILURE_SHARE = 0.3;

interface RefusalWindow {
  start: number;
  ops: number[];
}

/**
 * Each credential's current window, keyed by its profile object: short-lived detection state that need not
 * survive a restart, and that goes with the profile when an idle one is evicted (no layout or snapshot change).
 * Profiles belong to one engine, so engines do not share windows.
 */
const WINDOWS = new WeakMap<Profile, RefusalWindow>();

/**
 * Slow permission reconnaissance: `probing.refusedDistinct` (5) distinct operations the credential and its principal
 * never used, refused (401/403, AccessDenied) within `probing.refusedWindowMinutes` (30: a person-paced thief tries
 * one call every ten or twenty seconds), each a capability probe or beyond (`ListAttachedUserPolicies`,
 * `ListRoles`, `GetAccountAuthorizationDetails`, `GetSecretValue`, `CreateUser`...). A thief who does not know what
 * a stolen key may do tries, and is refused, at a person's pace, far below the failure burst of a scripted sweep,
 * and at any point of the credential's life: no baseline is needed, so a key stolen on its second day is caught
 * as well as one stolen in its second year. Medium alone; high (and a suspicious context for the chain) from a
 * place or client with novelty on a credential with an hour of history; low, and no suspicion, in a credential's
 * first day from a place and client its owner already uses (the owner trying a new key). Refusals of operations the credential
 * already used are its habit (a console page that always asks for more than the user may see), and a credential
 * that mostly fails is broken, not probing.
 *
 * @example
 * ```ts
 * detectRefusedReconnaissance(ctx, findings); // from detectProbing
 * ```
 */
export function detectRefusedReconnaissance(ctx: DetectionContext, out: Finding[]): void {
  if (!ctx.authFailure || ctx.opHash === 0 || ctx.cls.stage < STAGE_CAPABILITY_PROBE) return;
  if (operationUsed(ctx)) return;
  const { cred } = ctx;
  if (cred.f[cred.fo + F_FAIL_EWMA]! >= HABITUAL_FAILURE_SHARE && cred.events >= ctx.cfg.learning.minEvents) return;
  const t = ctx.cfg.probing;
  let w = WINDOWS.get(cred);
  if (w === undefined || ctx.now - w.start > t.refusedWindowMinutes * 60_000 || ctx.now < w.start) {
    w = { start: ctx.now, ops: [] };
    WINDOWS.set(cred, w);
  }
  if (w.ops.includes(ctx.opHash) || w.ops.length >= Math.max(MAX_TRACKED, t.refusedDistinct)) return;
  w.ops.push(ctx.opHash);
  if (w.ops.length !== t.refusedDistinct) return;
  const corroborated =
    cred.historyHours() >= MIN_HISTORY_HOURS && (ctx.placeNovelty >= CORROBORATING_NOVELTY || ctx.clientNovelty >= CORROBORATING_NOVELTY);
  // A key in its first day, refused from a place and client its owner already uses: the owner finding out what the
  // new key may do (a developer trying endpoints in Postman), not yet a thief. Low, and only context.
  const ownersFirstTries = cred.historyHours() < OWNERS_TRIAL_HOURS && !ctx.credMature && familiarContext(ctx);
  const score = corroborated ? t.refusedCorroboratedScore : ownersFirstTries ? t.refusedScore * LEARNING_SUSPICION : t.refusedScore;
  out.push({
    rule: 'probing',
    score,
    stage: Math.min(ctx.cls.stage, STAGE_DISCOVERY),
    summary: `${t.refusedDistinct} operations this credential never used refused within ${Math.round((ctx.now - w.start) / 60_000)} min (last: ${ctx.cls.name || ctx.ev.operation || ctx.ev.path})${corroborated ? ', from a place or client new to it' : ''}`,
    evidence: {
      kind: 'refused_reconnaissance',
      refused_operations: t.refusedDistinct,
      window_start: new Date(w.start).toISOString(),
      last_error: ctx.ev.error_code ?? ctx.ev.status,
      place_novelty: Math.round(ctx.placeNovelty),
      client_novelty: Math.round(ctx.clientNovelty),
      credential_history_hours: Math.round(cred.historyHours() * 10) / 10,
      owner_trying_new_key: ownersFirstTries || undefined,
      thresholds: { distinct: t.refusedDistinct, window_minutes: t.refusedWindowMinutes, corroborating_novelty: CORROBORATING_NOVELTY },
    },
    noveltyOnly: false,
    // A credential still being learned, refused from where it works (a new hire's first morning, the console asking
    // for pages a new role may not see), has not yet shown an attacker context; from a new place or client it has.
    suspicion: ownersFirstTries ? 0 : corroborated || ctx.credMature || ctx.principalMature ? score : score * LEARNING_SUSPICION,
  });
}
