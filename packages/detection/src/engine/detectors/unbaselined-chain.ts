import { ATTACK_STAGES } from '@tokenwarden/core';
import { STAGE_DEFENSE_EVASION, STAGE_DISCOVERY, STAGE_PERSISTENCE, STAGE_VALIDITY_CHECK } from '../classify/operation-class.js';
import { F_COLD_BLIND_TS, F_COLD_PERSIST_TS, F_COLD_RECON_TS, F_EVENTS, F_FIRST_TS } from '../profile/layout.js';
import { byDeploymentTooling } from './change-maker.js';
import { managesOwnFactors, targetsOtherUser } from './change-target.js';
import type { DetectionContext, Finding } from './types.js';

/** Score of exploring and then switching monitoring off: act now. */
const BLINDED_SCORE = 75;
/** ...and creating access for another identity in the same window: the whole intrusion. */
const BLINDED_AND_PERSISTED_SCORE = 90;

// Keeps `slot` at the first time within the window (an older one has expired); true when this event set it.
function mark(ctx: DetectionContext, slot: number, windowMs: number): boolean {
  const f = ctx.cred.f;
  const at = ctx.cred.fo + slot;
  const ts = f[at]!;
  if (ts !== 0 && ctx.now - ts <= windowMs && ctx.now >= ts) return false;
  f[at] = ctx.now;
  return true;
}

function within(ctx: DetectionContext, slot: number, windowMs: number): number {
  const ts = ctx.cred.f[ctx.cred.fo + slot]!;
  return ts !== 0 && ctx.now - ts <= windowMs && ctx.now >= ts ? ts : 0;
}

/**
 * The attack chain of a credential nobody can vouch for: neither it nor its principal has a learned baseline, so
 * no context can look suspicious and no operation can look new. That is the usual leaked key (dormant for longer
 * than the logs reach, then replayed), and any log that starts with the attack. Everyday calls prove nothing
 * either way here, so this counts only what no owner's first days explain together: looking around (a validity
 * check, capability probe or discovery), then switching audit logging or threat detection off outright
 * (`blinds`: a trail stopped, a detector deleted, not a trail's selectors tuned) → high; with access created for
 * another identity in the same window as well (a user, another user's key, a grant) → critical. Infrastructure as
 * code and cloud services acting for the credential are exempt: their deletes are what the code says. At most two
 * alerts per chain window, as the blinding and then the persistence (or the reverse) are first reached.
 * Called by the attack-chain detector for an unsuspicious credential still being learned.
 *
 * @example
 * ```ts
 * if (!learned && !suspicious) return detectUnbaselinedChain(ctx, stage, out);
 * ```
 */
export function detectUnbaselinedChain(ctx: DetectionContext, stage: number, out: Finding[]): void {
  const windowMs = ctx.cfg.chain.windowHours * 3_600_000;
  if (stage >= STAGE_VALIDITY_CHECK && stage <= STAGE_DISCOVERY) {
    mark(ctx, F_COLD_RECON_TS, windowMs);
    return;
  }
  if (stage < STAGE_PERSISTENCE || ctx.ev.outcome === 'failure' || ctx.authFailure || byDeploymentTooling(ctx)) return;
  const { cls, ev } = ctx;
  const blinds = stage === STAGE_DEFENSE_EVASION && cls.blinds;
  const persists =
    stage === STAGE_PERSISTENCE &&
    (cls.privilege === 'grant' || (cls.privilege === 'persistence' && (!cls.selfKey || targetsOtherUser(ev)))) &&
    !managesOwnFactors(ev);
  if (!blinds && !persists) return;
  const fresh = mark(ctx, blinds ? F_COLD_BLIND_TS : F_COLD_PERSIST_TS, windowMs);
  const recon = within(ctx, F_COLD_RECON_TS, windowMs);
  const blinded = within(ctx, F_COLD_BLIND_TS, windowMs);
  const persisted = within(ctx, F_COLD_PERSIST_TS, windowMs);
  // Looking around comes first: a credential that blinds monitoring as its very first act is left to the
  // privileged-change rule.
  if (!fresh || recon === 0 || blinded === 0 || recon > Math.min(blinded, persisted || blinded)) return;
  const score = persisted !== 0 ? BLINDED_AND_PERSISTED_SCORE : BLINDED_SCORE;
  const stages: Record<string, string> = { [ATTACK_STAGES[STAGE_DISCOVERY]!]: new Date(recon).toISOString() };
  if (persisted !== 0) stages[ATTACK_STAGES[STAGE_PERSISTENCE]!] = new Date(persisted).toISOString();
  stages[ATTACK_STAGES[STAGE_DEFENSE_EVASION]!] = new Date(blinded).toISOString();
  const cred = ctx.cred;
  out.push({
    rule: 'attack_chain',
    score,
    stage,
    summary: blinds
      ? `a credential with no learned baseline looked around${persisted !== 0 ? ', created access for another identity' : ''}, then switched monitoring off: ${cls.name}`
      : `a credential with no learned baseline looked around and switched monitoring off, then created access for another identity: ${cls.name}`,
    evidence: {
      kind: 'unbaselined_chain',
      stages_reached: stages,
      advanced_by: cls.name,
      explored_at: new Date(recon).toISOString(),
      persisted_at: persisted === 0 ? undefined : new Date(persisted).toISOString(),
      blinded_at: new Date(blinded).toISOString(),
      baseline: {
        credential_events: cred.f[cred.fo + F_EVENTS],
        credential_first_seen: new Date(cred.f[cred.fo + F_FIRST_TS]!).toISOString(),
        learned: false,
      },
      thresholds: { window_hours: ctx.cfg.chain.windowHours },
    },
    noveltyOnly: false,
    suspicion: 0,
    alwaysReport: true,
  });
}
