import type { AsnKind } from '../enriched-event.js';
import type { DetectionContext, Finding } from './detectors/types.js';
import { F_RETURN_ASN, F_RETURN_DAYS } from './profile/layout.js';

const DAY_MS = 86_400_000;

/** Findings that say only "this is new for the credential": a context that keeps coming back with nothing else is its owner's. */
const NOVELTY_RULES = new Set<string>(['new_place', 'new_client', 'unusual_time']);

/** Where stolen tokens are replayed from: never learned by coming back. */
const NEVER_BY_RETURNING = new Set<AsnKind>(['hosting', 'tor', 'unknown']);

/**
 * Whether the event's network has come back on `minDays` distinct UTC days with nothing but novelty findings,
 * so it may be learned although its novelty keeps the credential suspicious. Counts per credential, one
 * network at a time; any other finding (a chain stage, a privileged change, probing, a lifecycle signal) on an
 * event the guard keeps out starts the count again. `calm` is false while the credential's risk is at "act now" (novelty that paged):
 * the days still count, nothing is learned. Called only for events the poisoning guard would keep out.
 *
 * @example
 * ```ts
 * const keepOut = guarded && !placeReturns(ctx, findings, cfg.learning.returningPlaceDays, risk < cfg.risk.poisonGuardScore);
 * ```
 */
export function placeReturns(ctx: DetectionContext, findings: readonly Finding[], minDays: number, calm: boolean): boolean {
  const f = ctx.cred.f;
  const fo = ctx.cred.fo;
  for (const finding of findings) {
    if (!finding.noveltyOnly || !NOVELTY_RULES.has(finding.rule)) {
      f[fo + F_RETURN_ASN] = 0;
      f[fo + F_RETURN_DAYS] = 0;
      return false;
    }
  }
  if (minDays <= 0 || ctx.asn === 0 || NEVER_BY_RETURNING.has(ctx.kind)) return false;
  const day = Math.floor(ctx.now / DAY_MS);
  if (f[fo + F_RETURN_ASN] !== ctx.asn) {
    f[fo + F_RETURN_ASN] = ctx.asn;
    f[fo + F_RETURN_DAYS] = day * 16 + 1;
    return calm && minDays <= 1;
  }
  const packed = f[fo + F_RETURN_DAYS]!;
  const lastDay = Math.floor(packed / 16);
  let days = packed - lastDay * 16;
  if (day > lastDay) {
    days = Math.min(15, days + 1);
    f[fo + F_RETURN_DAYS] = day * 16 + days;
  }
  return calm && days >= minDays;
}
