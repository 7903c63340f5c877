import { isIP } from 'node:net';
import { canonicalIpv4ToInt } from '@tokenwarden/core';

/** Bounds outside which an event time is rejected as corrupt. */
export interface TimeBounds {
  /** Earliest accepted event time, epoch ms. */
  minTs: number;
  /** Latest accepted event time, epoch ms (wall clock plus an allowance for generated data). */
  maxTs: number;
}

/** Events before 1995 cannot be API logs of anything we watch. */
const EARLIEST_TS = Date.UTC(1995, 0, 1);
/** Generated and replayed data can run ahead of the wall clock; a year ahead is corrupt. */
const MAX_FUTURE_MS = 366 * 86_400_000;

/**
 * Default time bounds relative to `now`: 1995-01-01 to one year ahead.
 *
 * @example
 * ```ts
 * const b = defaultTimeBounds(Date.now());
 * ```
 */
export function defaultTimeBounds(now: number = Date.now()): TimeBounds {
  return { minTs: EARLIEST_TS, maxTs: now + MAX_FUTURE_MS };
}

const ISO_PREFIX = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/;

/**
 * Parses an event time: ISO 8601 text (a zone-less time is read as UTC), or epoch seconds or
 * milliseconds as a number or numeric string. Returns epoch ms, or undefined when unreadable.
 *
 * @example
 * ```ts
 * parseEventTime('2026-01-02T03:04:05Z'); // 1767323045000
 * parseEventTime(1767323045); // 1767323045000
 * ```
 */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string') return undefined;
  // Nearly every log writes `YYYY-MM-DDTHH:MM:SS[.fff]Z`: read it by hand, skipping two regexes
  // and Date.parse per event. Anything else (or out of range) takes the general path.
  const fast = parseCanonicalUtc(value);
  if (fast !== undefined) return fast;
  const s = value.trim();
  if (/^\d{9,13}(\.\d+)?$/.test(s)) return epochToMs(Number(s));
  const fields = ISO_PREFIX.exec(s);
  if (fields === null) return undefined;
  // Date.parse moves 31 November to 1 December and 30 February into March: a time that names no
  // real instant is unreadable, not another day.
  const [, y, mo, d, h, mi, sec] = fields.map(Number) as number[];
  if (!isCalendarTime(y!, mo!, d!, h!, mi!, Number.isNaN(sec) ? 0 : sec!)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
  const ms = Date.parse(hasZone ? s : `${s.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

function epochToMs(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  // Seconds until the year 5138; anything larger is milliseconds.
  const ms = Math.round(n < 1e11 ? n * 1000 : n);
  // Beyond the largest Date (year 275760) the time cannot be formatted; it is unreadable.
  return ms <= MAX_DATE_MS ? ms : undefined;
}

const MAX_DATE_MS = 8.64e15;

/** Two ASCII digits at `i`, or -1. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether the fields name a real instant: month 1-12, a day that month has (29 February in leap
 * years only), hour 0-23, minute and second 0-59. `Date.UTC` would roll `25:61:00` over into the next
 * day instead of refusing it, so a hand-read timestamp is checked here first.
 *
 * @example
 * ```ts
 * isCalendarTime(2024, 2, 29, 23, 59, 59); // true
 * isCalendarTime(2026, 3, 1, 25, 61, 0); // false
 * ```
 */
export function isCalendarTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return false;
  }
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0);
}

/**
 * Epoch ms of `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.fffZ` with every field in range,
 * else undefined (the caller then uses the general parser, so results never differ).
 */
function parseCanonicalUtc(s: string): number | undefined {
  const n = s.length;
  if ((n !== 20 && n !== 24) || s.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return undefined;
  }
  const hi = digits2(s, 0);
  const lo = digits2(s, 2);
  const month = digits2(s, 5);
  const day = digits2(s, 8);
  const hour = digits2(s, 11);
  const minute = digits2(s, 14);
  const second = digits2(s, 17);
  if (hi < 0 || lo < 0) return undefined;
  const year = hi * 100 + lo;
  if (!isCalendarTime(year, month, day, hour, minute, second)) return undefined;
  let ms = 0;
  if (n === 24) {
    if (s.charCodeAt(19) !== 46 /* . */) return undefined;
    const a = digits2(s, 20);
    const c = s.charCodeAt(22) - 48;
    if (a < 0 || c < 0 || c > 9) return undefined;
    ms = a * 10 + c;
  }
  // Date.UTC maps years 0-99 to 1900-1999; those are rejected as too old by the bounds anyway,
  // but leave them to Date.parse so the answer is the same as before.
  if (year < 100) return undefined;
  // Consecutive events share their hour: Date.UTC once per hour, then plain arithmetic.
  const hourKey = ((year * 16 + month) * 32 + day) * 32 + hour;
  if (hourKey !== lastHourKey) {
    lastHourStart = Date.UTC(year, month - 1, day, hour);
    lastHourKey = hourKey;
  }
  const parsed = lastHourStart + minute * 60_000 + second * 1000 + ms;
  if (n === 24) {
    lastCanonicalText = s;
    lastCanonicalTs = parsed;
  }
  return parsed;
}

let lastHourKey = -1;
let lastHourStart = 0;
/** The last `toISOString`-shaped text read and its time: lets {@link eventTimeText} skip a second parse of it. */
let lastCanonicalText = '';
let lastCanonicalTs = Number.NaN;

let lastSecond = Number.NaN;
let lastSecondPrefix = '';

/**
 * `new Date(ts).toISOString()`, faster for event streams: consecutive events mostly fall in the
 * same second, so the `YYYY-MM-DDTHH:MM:SS.` prefix is formatted once per second.
 *
 * @example
 * ```ts
 * formatIsoTime(1767323045123); // '2026-01-02T03:04:05.123Z'
 * ```
 */
export function formatIsoTime(ts: number): string {
  const ms = ts % 1000;
  if (!Number.isInteger(ts) || ts < 0 || ts > MAX_DATE_MS || ms < 0) return new Date(ts).toISOString();
  const second = ts - ms;
  if (second !== lastSecond) {
    const iso = new Date(second).toISOString();
    // Years past 9999 are written `+0YYYYY-...`; keep those on the general path.
    if (iso.length !== 24) return new Date(ts).toISOString();
    lastSecond = second;
    lastSecondPrefix = iso.slice(0, 20);
  }
  return `${lastSecondPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/**
 * The event's time as ISO 8601 text: the source's own text when it is already exactly what
 * `toISOString` would write (no new string per event), else formatted from `ts`.
 *
 * @example
 * ```ts
 * eventTimeText('2026-01-02T03:04:05.000Z', 1767323045000); // the same string, not a copy
 * ```
 */
export function eventTimeText(raw: unknown, ts: number): string {
  if (raw === lastCanonicalText && ts === lastCanonicalTs) return raw;
  if (typeof raw === 'string' && raw.length === 24 && parseCanonicalUtc(raw) === ts) return raw;
  return formatIsoTime(ts);
}

/**
 * Why an event time is out of bounds, or undefined when it is fine.
 *
 * @example
 * ```ts
 * timeProblem(Date.UTC(1970, 0, 1), defaultTimeBounds()); // 'timestamp 1970-01-01T00:00:00.000Z is before 1995'
 * ```
 */
export function timeProblem(ts: number, bounds: TimeBounds): string | undefined {
  if (ts < bounds.minTs) return `timestamp ${new Date(ts).toISOString()} is too far in the past`;
  if (ts > bounds.maxTs) {
    const shown = ts <= 8.64e15 ? new Date(ts).toISOString() : String(ts);
    return `timestamp ${shown} is in the future`;
  }
  return undefined;
}

/**
 * Normalises an IP address: strips an IPv4-mapped IPv6 prefix, brackets, a zone id and a
 * trailing `:port` on IPv4. Returns undefined for anything that is not an IP address.
 *
 * @example
 * ```ts
 * normaliseIp('::ffff:10.0.0.1'); // '10.0.0.1'
 * normaliseIp('not-an-ip'); // undefined
 * ```
 */
export function normaliseIp(value: string): string | undefined {
  // The common case, a plain dotted quad, without a regular expression, a trim or a lower-case copy.
  if (canonicalIpv4ToInt(value) >= 0) return value;
  let s = value.trim();
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end > 0) s = s.slice(1, end);
  }
  const zone = s.indexOf('%');
  if (zone > 0) s = s.slice(0, zone);
  if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  const lower = s.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  const v = isIP(s);
  if (v === 4) return s;
  if (v === 6) return lower;
  return undefined;
}

/**
 * First address of an `X-Forwarded-For`-style list that is a valid IP.
 *
 * @example
 * ```ts
 * firstIp('203.0.113.9, 10.0.0.1'); // '203.0.113.9'
 * ```
 */
export function firstIp(list: string): string | undefined {
  for (const part of list.split(',')) {
    const ip = normaliseIp(part);
    if (ip) return ip;
  }
  return undefined;
}
