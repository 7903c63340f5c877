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
 * Suspicion (0-100) from a new place and a new client seen together. They are independent evidence (a
 * traveller keeps their laptop; a new laptop stays at the desk), so both at once weigh more than either:
 * 1 − (1 − place)(1 − client), the same rule the risk score uses.
 *
 * @example
 * ```ts
 * placeAndClientSuspicion(40, 40); // 64
 * ```
 */
export function placeAndClientSuspicion(placeNovelty: number, clientNovelty: number): number {
  const p = Math.min(Math.max(placeNovelty, 0), 100) / 100;
  const c = Math.min(Math.max(clientNovelty, 0), 100) / 100;
  return 100 * (1 - (1 - p) * (1 - c));
}
