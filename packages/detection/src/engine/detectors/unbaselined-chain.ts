import { ATTACK_STAGES } from '@tokenwarden/core';
import {
  STAGE_COLLECTION,
  STAGE_DEFENSE_EVASION,
  STAGE_DISCOVERY,
  STAGE_PERSISTENCE,
  STAGE_VALIDITY_CHECK,
} from '../classify/operation-class.js';
import { B_COLD_READS, F_COLD_DAMAGE, F_COLD_RECON_TS, F_EVENTS, F_FIRST_TS } from '../profile/layout.js';
import { byDeploymentTooling } from './change-maker.js';
import { managesOwnFactors, switchesMonitoringOff, targetsOtherUser } from './change-target.js';
import type { DetectionContext, Finding } from './types.js';

/** Bits of `F_COLD_DAMAGE` under its first change's time. */
const PERSISTED = 1;
const BLINDED = 2;

function live(ctx: DetectionContext, ts: number, windowMs: number): boolean {
  return ts !== 0 && ctx.now - ts <= windowMs && ctx.now >= ts;
}

/**
 * The attack chain of a credential nobody can vouch for: neither it nor its principal has a learned baseline, so
 * no context can look suspicious and no operation can look new. That is the usual leaked key (dormant for longer
 * than the logs reach, then replayed), and any log that starts with the attack. Everyday calls prove nothing
 * either way here, so this counts only what no owner's first days explain together: looking around (a validity
 * check, capability probe or discovery), then switching audit logging, alerting or threat detection off outright
 * (`switchesMonitoringOff`: a trail stopped, a detector deleted, alarm actions disabled; not a trail's selectors
 * tuned) → high; with access created for another identity in the same window as well (a user, another user's key,
 * a grant) → critical. Creating that access from a Tor exit after looking around is high by itself (unless much of
 * the organisation works over Tor). Infrastructure as code and cloud services acting for the credential are exempt: their
 * deletes are what the code says. At most two alerts per chain window, as the blinding and then the persistence
 * (or the reverse) are first reached.
 * Called by the attack-chain detector for an unsuspicious credential still being learned.
 *
 * @example
 * ```ts
 * if (!learned && !suspicious) detectUnbaselinedChain(ctx, stage, out); // in detectAttackChain, which then returns
 * ```
 */
export function detectUnbaselinedChain(ctx: DetectionContext, stage: number, out: Finding[]): void {
  const windowMs = ctx.cfg.chain.windowHours * 3_600_000;
  const f = ctx.cred.f;
  const fo = ctx.cred.fo;
  const b = ctx.cred.b;
  const readsAt = ctx.cred.bo + B_COLD_READS;
  if (stage >= STAGE_VALIDITY_CHECK && stage <= STAGE_DISCOVERY) {
    if (!live(ctx, f[fo + F_COLD_RECON_TS]!, windowMs)) {
      f[fo + F_COLD_RECON_TS] = ctx.now;
      b[readsAt] = 0;
    }
    return;
  }
  const refused = ctx.ev.outcome === 'failure' || ctx.authFailure;
  if (stage === STAGE_COLLECTION) {
    // Data read after looking around: what the thief came for. Counted, not alerted on (a new job reads too).
    if (!refused && ctx.cls.dataRead && b[readsAt]! < 255 && live(ctx, f[fo + F_COLD_RECON_TS]!, windowMs)) b[readsAt] = b[readsAt]! + 1;
    return;
  }
  if (stage < STAGE_PERSISTENCE || refused || byDeploymentTooling(ctx)) return;
  const { cls, ev } = ctx;
  // After looking around and reading data in bulk, any change to monitoring is taken as turning it off: a trail's
  // selectors or an alarm changed by a key that has just carried off data is not a new owner tuning them.
  const bulkReads = b[readsAt]!;
  const bulk = bulkReads >= ctx.cfg.chain.unbaselinedBulkReads && live(ctx, f[fo + F_COLD_RECON_TS]!, windowMs);
  const blinds = stage === STAGE_DEFENSE_EVASION && (switchesMonitoringOff(ev, cls) || (bulk && cls.privilege === 'defense_evasion'));
  const persists =
    stage === STAGE_PERSISTENCE &&
    (cls.privilege === 'grant' || (cls.privilege === 'persistence' && (!cls.selfKey || targetsOtherUser(ev)))) &&
    !managesOwnFactors(ev);
  if (!blinds && !persists) return;
  // The window runs from the first change: a change of the other kind within it joins the same chain.
  const packed = f[fo + F_COLD_DAMAGE]!;
  let firstChange = Math.floor(packed / 4);
  let kinds = packed - firstChange * 4;
  if (!live(ctx, firstChange, windowMs)) {
    firstChange = ctx.now;
    kinds = 0;
  }
  const kind = blinds ? BLINDED : PERSISTED;
  const fresh = (kinds & kind) === 0;
  kinds |= kind;
  f[fo + F_COLD_DAMAGE] = firstChange * 4 + kinds;
  const recon = f[fo + F_COLD_RECON_TS]!;
  // Looking around comes first: a credential that blinds monitoring as its very first act is left to the
  // privileged-change rule.
  if (!fresh || !live(ctx, recon, windowMs) || recon > firstChange) return;
  // Over Tor, creating access for another identity is enough: an administrator onboarding people from a new key
  // does it from the office or home, not from behind an anonymity network, unless the company itself works that way.
  const overTor = persists && ctx.kind === 'tor' && !ctx.org.isCommon(ctx.org.asns, ctx.asn);
  if ((kinds & BLINDED) === 0 && !overTor) return;
  const persisted = (kinds & PERSISTED) !== 0;
  // Exploring then blinding is act now; with access made for another identity too, the whole intrusion.
  const c = ctx.cfg.chain;
  const score =
    (kinds & BLINDED) === 0
      ? c.unbaselinedPersistedOverTorScore
      : persisted
        ? c.unbaselinedBlindedAndPersistedScore
        : c.unbaselinedBlindedScore;
  // This event is the first of its kind in the window; a change of the other kind, if any, came first.
  const stages: Record<string, string> = {};
  if (persisted) stages[ATTACK_STAGES[STAGE_PERSISTENCE]!] = new Date(blinds ? firstChange : ctx.now).toISOString();
  if ((kinds & BLINDED) !== 0) stages[ATTACK_STAGES[STAGE_DEFENSE_EVASION]!] = new Date(blinds ? ctx.now : firstChange).toISOString();
  const cred = ctx.cred;
  out.push({
    rule: 'attack_chain',
    score,
    stage,
    summary: blinds
      ? `a credential with no learned baseline looked around${bulk ? `, read data ${bulkReads} times` : ''}${persisted ? ', created access for another identity' : ''}, then switched monitoring off: ${cls.name}`
      : (kinds & BLINDED) === 0
        ? `a credential with no learned baseline looked around, then created access for another identity over Tor: ${cls.name}`
        : `a credential with no learned baseline looked around and switched monitoring off, then created access for another identity: ${cls.name}`,
    evidence: {
      kind: 'unbaselined_chain',
      // The first validity check, probe or discovery call of the window (which of them is not kept).
      looked_around_at: new Date(recon).toISOString(),
      stages_reached: stages,
      advanced_by: cls.name,
      created_access: persisted,
      over_tor: overTor || undefined,
      // Data reads since it looked around (counted up to 255).
      data_reads: bulkReads,
      baseline: {
        credential_events: cred.f[cred.fo + F_EVENTS],
        credential_first_seen: new Date(cred.f[cred.fo + F_FIRST_TS]!).toISOString(),
        learned: false,
      },
      thresholds: { window_hours: ctx.cfg.chain.windowHours, bulk_reads: ctx.cfg.chain.unbaselinedBulkReads },
    },
    noveltyOnly: false,
    suspicion: 0,
    alwaysReport: true,
  });
}
