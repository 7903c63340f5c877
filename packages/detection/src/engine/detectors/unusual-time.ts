import { B_HOURS, F_HOUR_TOTAL } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { hourHistogramTotal, hourOfWeek, nearHourOfDay, nearHourOfWeek } from '../sketches/hour-histogram.js';
import { eventStage } from './chain-position.js';
import { round2 } from './evidence.js';
import type { DetectionContext, Finding } from './types.js';

// hourHistogramTotal reads the histogram as 4-byte words: a profile's byte slots start 4-aligned, so must B_HOURS.
if (B_HOURS % 4 !== 0) throw new Error('profile layout: the hour histogram is not 4-byte aligned');

/** Org-wide events needed before the org hour profile is trusted for cold-start checks. */
const ORG_MIN_EVENTS = 1000;

function hourTotal(p: Profile): number {
  return p.f[p.fo + F_HOUR_TOTAL]!;
}

function trusted(p: Profile, minEvents: number, minDays: number): boolean {
  return p.f[p.fo + F_HOUR_TOTAL]! >= minEvents && p.historyHours() >= minDays * 24;
}

/**
 * Detector 5, unusual time. The hour of day (±1 h, over every weekday, so recurring on-call nights are habit
 * once learned) holds less than `rareShare` of the credential's activity. Cold start: a credential with a short
 * history is judged by its principal's profile, and failing that by the org-wide hour-of-week profile
 * (activity when the whole organisation is idle), with a lower score, unless the principal's young profile
 * already holds this hour of day. 24/7 services have flat profiles and
 * never trigger. Pure novelty: capped at `medium` alone.
 *
 * @example
 * ```ts
 * detectUnusualTime(ctx, findings);
 * ```
 */
export function detectUnusualTime(ctx: DetectionContext, out: Finding[]): void {
  const { cred, principal, org, cfg } = ctx;
  const ut = cfg.unusualTime;
  const bucket = hourOfWeek(ctx.now);
  let basis: 'credential' | 'principal' | 'organisation';
  let share: number;
  let score: number;
  const credTrusted = trusted(cred, ut.minEvents, ut.minDays);
  if (credTrusted || trusted(principal, ut.minEvents, ut.minDays)) {
    const p = credTrusted ? cred : principal;
    basis = p === cred ? 'credential' : 'principal';
    // The shares of hourOfDayShare and hourOfWeekShare over one total, summed once (the bytes start 4-aligned: see layout.ts).
    const total = hourHistogramTotal(p.u, (p.bo + B_HOURS) >> 2);
    share = total === 0 ? 0 : nearHourOfDay(p.b, p.bo + B_HOURS, bucket % 24, 1) / total;
    if (share >= ut.rareShare) return;
    score = ut.score + (total === 0 || nearHourOfWeek(p.b, p.bo + B_HOURS, bucket, 2) === 0 ? 5 : 0);
  } else {
    // Before its profile is trusted, an hour the principal already works at is still its own habit:
    // a service whose session keys rotate every few hours starts each new key at the same hours.
    // (Its share at this hour of day is above 0 exactly when the buckets near it are: no total needed.)
    if (hourTotal(principal) > 0 && nearHourOfDay(principal.b, principal.bo + B_HOURS, bucket % 24, 1) > 0) return;
    const orgTotal = org.hoursTotal;
    if (orgTotal < ORG_MIN_EVENTS / 8) return; // histogram bytes are halved on saturation; this is a floor
    share = org.hourShare(bucket);
    if (share >= ut.orgRareShare) return;
    basis = 'organisation';
    score = ut.coldStartScore;
  }
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][Math.floor(bucket / 24)];
  out.push({
    rule: 'unusual_time',
    score,
    stage: eventStage(ctx),
    summary: `activity at ${weekday} ${String(bucket % 24).padStart(2, '0')}:00 UTC, outside the ${basis}'s usual hours`,
    evidence: {
      hour_of_week: bucket,
      hour_utc: bucket % 24,
      basis,
      share_at_this_hour: round2(share * 100) / 100,
      baseline_events: basis === 'organisation' ? undefined : hourTotal(basis === 'credential' ? cred : principal),
      threshold: basis === 'organisation' ? ut.orgRareShare : ut.rareShare,
    },
    noveltyOnly: true,
    suspicion: 0,
  });
}
