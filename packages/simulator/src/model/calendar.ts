const DAY = 86_400_000;
const offsetCache = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The UTC offset of an IANA time zone at a moment, in minutes (DST included), via `Intl`.
 * Cached per zone and UTC hour, because the generator asks millions of times.
 *
 * @example
 * ```ts
 * utcOffsetMinutes('America/New_York', Date.UTC(2026, 10, 2)); // -300
 * ```
 */
export function utcOffsetMinutes(timeZone: string, at: number): number {
  const hourKey = `${timeZone}|${Math.floor(at / 3_600_000)}`;
  const hit = offsetCache.get(hourKey);
  if (hit !== undefined) return hit;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0);
  const minutes = Math.round((asUtc - Math.floor(at / 60_000) * 60_000) / 60_000);
  if (offsetCache.size > 200_000) offsetCache.clear();
  offsetCache.set(hourKey, minutes);
  return minutes;
}

/** A local calendar day in some zone: its date and the UTC instant of its local midnight. */
export interface LocalDay {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
  /** UTC milliseconds of local midnight. */
  midnightUtc: number;
}

/**
 * The local day (in `timeZone`) that contains the UTC instant `at`.
 *
 * @example
 * ```ts
 * localDay('Europe/Berlin', Date.UTC(2026, 10, 2, 23, 30)).date; // '2026-11-03'
 * ```
 */
export function localDay(timeZone: string, at: number): LocalDay {
  const off = utcOffsetMinutes(timeZone, at) * 60_000;
  const localMs = at + off;
  const dayStartLocal = Math.floor(localMs / DAY) * DAY;
  const d = new Date(dayStartLocal);
  return {
    date: d.toISOString().slice(0, 10),
    weekday: d.getUTCDay(),
    midnightUtc: dayStartLocal - utcOffsetMinutes(timeZone, dayStartLocal - off) * 60_000,
  };
}

/**
 * UTC milliseconds of a local wall-clock time (fractional hours) on a local day.
 *
 * @example
 * ```ts
 * atLocalHour(localDay('Asia/Tokyo', Date.now()), 'Asia/Tokyo', 9.5);
 * ```
 */
export function atLocalHour(day: LocalDay, timeZone: string, hour: number): number {
  const guess = day.midnightUtc + hour * 3_600_000;
  // Re-evaluate the offset at the guessed instant so DST switch days land on the right wall time.
  const delta = utcOffsetMinutes(timeZone, day.midnightUtc) - utcOffsetMinutes(timeZone, guess);
  return guess + delta * 60_000;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  const day = 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function lastWeekday(year: number, month: number, weekday: number): string {
  const last = new Date(Date.UTC(year, month + 1, 0));
  const day = last.getUTCDate() - ((last.getUTCDay() - weekday + 7) % 7);
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Public holidays of a country in a year (the fixed and rule-based ones that close offices; not
 * Easter-dependent ones, which fall outside the months simulated by default).
 *
 * @example
 * ```ts
 * publicHolidays('US', 2026).has('2026-11-26'); // Thanksgiving
 * ```
 */
export function publicHolidays(country: string, year: number): Set<string> {
  const y = String(year);
  const common = [`${y}-01-01`, `${y}-12-25`];
  const byCountry: Record<string, string[]> = {
    US: [
      nthWeekday(year, 0, 1, 3),
      lastWeekday(year, 4, 1),
      `${y}-06-19`,
      `${y}-07-04`,
      nthWeekday(year, 8, 1, 1),
      `${y}-11-11`,
      nthWeekday(year, 10, 4, 4),
      `${y}-12-24`,
    ],
    GB: [lastWeekday(year, 4, 1), lastWeekday(year, 7, 1), `${y}-12-26`],
    DE: [`${y}-05-01`, `${y}-10-03`, `${y}-12-24`, `${y}-12-26`],
    FR: [`${y}-05-01`, `${y}-05-08`, `${y}-07-14`, `${y}-08-15`, `${y}-11-01`, `${y}-11-11`],
    IN: [`${y}-01-26`, `${y}-08-15`, `${y}-10-02`, `${y}-11-08`],
    CA: [`${y}-07-01`, nthWeekday(year, 9, 1, 2), `${y}-12-26`],
    AU: [`${y}-01-26`, `${y}-04-25`, `${y}-12-26`],
    ES: [`${y}-10-12`, `${y}-11-01`, `${y}-12-06`, `${y}-12-08`],
    NL: [`${y}-04-27`, `${y}-12-26`],
    PL: [`${y}-05-01`, `${y}-05-03`, `${y}-11-01`, `${y}-11-11`, `${y}-12-24`, `${y}-12-26`],
    JP: [`${y}-11-03`, `${y}-11-23`],
  };
  return new Set([...common, ...(byCountry[country] ?? [])]);
}
