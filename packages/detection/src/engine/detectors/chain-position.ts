import { ATTACK_STAGES } from '@tokenwarden/core';
import { STAGE_CAPABILITY_PROBE, STAGE_DISCOVERY, STAGE_VALIDITY_CHECK } from '../classify/operation-class.js';
import { F_STAGE_TS } from '../profile/layout.js';
import type { DetectionContext } from './types.js';

/**
 * Whether the credential's attack chain already holds a stage beyond the validity check within the chain window:
 * it probed what it can do or enumerated. A refused call or a burst of 401/403 after that is part of what the
 * credential is doing (a sweep over every region, a walk over object ids), not the thief testing whether the token
 * is live, which comes first.
 *
 * @example
 * ```ts
 * const stage = ctx.authFailure && !pastValidityCheck(ctx) ? STAGE_VALIDITY_CHECK : ctx.cls.stage;
 * ```
 */
export function pastValidityCheck(ctx: DetectionContext): boolean {
  const { cred } = ctx;
  const windowMs = ctx.cfg.chain.windowHours * 3_600_000;
  for (let s = STAGE_CAPABILITY_PROBE; s < ATTACK_STAGES.length; s++) {
    const ts = cred.f[cred.fo + F_STAGE_TS + s]!;
    if (ts !== 0 && ctx.now - ts <= windowMs) return true;
  }
  return false;
}

/**
 * The attack stage of the event itself: its operation's stage, or a validity check when a refused call comes
 * before any probe (the thief testing whether the token is live). Context findings (a new place, a new client,
 * impossible travel, concurrent use, an unusual hour) carry it, so an alert on a thief's `GetCallerIdentity` from a
 * new network says where in the chain that call is (`capability_probe`), and one on an unclassified call `none`.
 *
 * @example
 * ```ts
 * out.push({ rule: 'new_place', stage: eventStage(ctx), ... });
 * ```
 */
export function eventStage(ctx: DetectionContext): number {
  const stage = ctx.cls.stage;
  if (ctx.authFailure && stage <= STAGE_DISCOVERY && stage !== STAGE_CAPABILITY_PROBE && !pastValidityCheck(ctx))
    return STAGE_VALIDITY_CHECK;
  return stage;
}
