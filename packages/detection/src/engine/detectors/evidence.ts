import type { OrgStats } from '../profile/org-stats.js';
import type { Profile } from '../profile/profile.js';
import { topKEntries } from '../sketches/top-k.js';

/**
 * The known values of one top-k sketch as display labels with counts, for alert evidence.
 *
 * @example
 * ```ts
 * knownValues(ctx.cred, U_ASN, K_ASN, ctx.org); // [{ value: 'AS64500 Example ISP', seen: 120 }]
 * ```
 */
export function knownValues(
  p: Profile,
  /** Offset of the sketch within a profile (`U_ASN`...). */
  offset: number,
  k: number,
  org: OrgStats,
): Array<{ value: string; seen: number }> {
  return topKEntries(p.u, p.uo + offset, k).map((e) => ({ value: org.names.get(e.key) ?? `#${e.key.toString(16)}`, seen: e.count }));
}

/**
 * Round to two decimals for readable evidence.
 *
 * @example
 * ```ts
 * round2(3.14159); // 3.14
 * ```
 */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * An English ordinal for counts in summaries.
 *
 * @example
 * ```ts
 * ordinal(3); // "3rd"
 * ```
 */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
