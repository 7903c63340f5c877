/** Milliseconds in an hour and in a week. */
const HOUR_MS = 3_600_000;
const WEEK_HOURS = 168;
/** 1970-01-01 was a Thursday; shifting by 3 days makes bucket 0 Monday 00:00 UTC. */
const EPOCH_TO_MONDAY_HOURS = 72;

/**
 * Hour-of-week bucket (0 = Monday 00:00-01:00 UTC … 167) of an epoch-ms time, without Date parsing.
 *
 * @example
 * ```ts
 * hourOfWeek(Date.UTC(2026, 0, 5, 9)); // 9 (a Monday)
 * ```
 */
export function hourOfWeek(ts: number): number {
  const hours = Math.floor(ts / HOUR_MS) + EPOCH_TO_MONDAY_HOURS;
  return ((hours % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;
}

/**
 * Count one event in a 168-bucket byte histogram. A full bucket halves the whole histogram, which keeps
 * the shape, bounds memory to 168 bytes and forgets old habits.
 *
 * @example
 * ```ts
 * const h = new Uint8Array(168);
 * hourHistogramAdd(h, 0, hourOfWeek(Date.now()));
 * ```
 */
export function hourHistogramAdd(h: Uint8Array, offset: number, bucket: number): void {
  const at = offset + bucket;
  if (h[at] === 255) {
    for (let i = 0; i < WEEK_HOURS; i++) h[offset + i] = h[offset + i]! >>> 1;
  }
  h[at] = h[at]! + 1;
}

/**
 * Share of activity (0-1) at this hour of day (±`spread` hours) over all days of the week: recurring
 * on-call nights on any weekday count as habit, which avoids flagging them once learned.
 *
 * @example
 * ```ts
 * const share = hourOfDayShare(h, 0, hourOfWeek(ts), 1);
 * ```
 */
export function hourOfDayShare(h: Uint8Array, offset: number, bucket: number, spread: number): number {
  let total = 0;
  for (let i = 0; i < WEEK_HOURS; i++) total += h[offset + i]!;
  if (total === 0) return 0;
  return nearHourOfDay(h, offset, bucket % 24, spread) / total;
}

/**
 * Sum of the buckets within `spread` hours of `hourOfDay` (circularly) on every day of the week: the numerator
 * of {@link hourOfDayShare}, which is above 0 exactly when this is.
 *
 * @example
 * ```ts
 * if (nearHourOfDay(h, 0, 9, 1) > 0) console.log('active around 09:00 on some day');
 * ```
 */
export function nearHourOfDay(h: Uint8Array, offset: number, hourOfDay: number, spread: number): number {
  // The hours of day within `spread` of `hourOfDay`, each counted once even when the window wraps past midnight.
  const width = Math.min(24, 2 * spread + 1);
  let near = 0;
  for (let k = 0; k < width; k++) {
    const hour = (((hourOfDay - spread + k) % 24) + 24) % 24;
    for (let day = 0; day < 7; day++) near += h[offset + day * 24 + hour]!;
  }
  return near;
}

/**
 * Share of activity in one hour-of-week bucket (±`spread` hours).
 *
 * @example
 * ```ts
 * const share = hourOfWeekShare(h, 0, hourOfWeek(ts), 1);
 * ```
 */
export function hourOfWeekShare(h: Uint8Array, offset: number, bucket: number, spread: number): number {
  let total = 0;
  for (let i = 0; i < WEEK_HOURS; i++) total += h[offset + i]!;
  return total === 0 ? 0 : nearHourOfWeek(h, offset, bucket, spread) / total;
}

/**
 * Sum of the buckets within `spread` hours of `bucket`, wrapping around the week (each bucket counted once).
 *
 * @example
 * ```ts
 * const eventsNearNow = nearHourOfWeek(h, 0, hourOfWeek(ts), 1);
 * ```
 */
export function nearHourOfWeek(h: Uint8Array, offset: number, bucket: number, spread: number): number {
  const width = Math.min(WEEK_HOURS, 2 * spread + 1);
  let near = 0;
  for (let k = 0; k < width; k++) near += h[offset + ((((bucket - spread + k) % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS)]!;
  return near;
}

/**
 * Sum of all 168 buckets of a histogram read through a `Uint32Array` over the same bytes (`word` is its first
 * 4-byte word): 42 word loads with two bytes added per 16-bit lane, instead of 168 byte loads. Equal to the sum
 * {@link hourOfDayShare} computes (each lane holds at most 84 x 255 < 65,536, so lanes never carry into each other).
 *
 * @example
 * ```ts
 * const total = hourHistogramTotal(p.u, (p.bo + B_HOURS) >> 2);
 * ```
 */
export function hourHistogramTotal(u: Uint32Array, word: number): number {
  let lanes = 0;
  for (let i = 0; i < WEEK_HOURS / 4; i++) {
    const w = u[word + i]!;
    lanes += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
  }
  return (lanes & 0xffff) + (lanes >>> 16);
}
