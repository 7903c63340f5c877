import { isIP } from 'node:net';

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

const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

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
  const s = value.trim();
  if (/^\d{9,13}(\.\d+)?$/.test(s)) return epochToMs(Number(s));
  if (!ISO_PREFIX.test(s)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
  const ms = Date.parse(hasZone ? s : `${s.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

function epochToMs(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  // Seconds until the year 5138; anything larger is milliseconds.
  return Math.round(n < 1e11 ? n * 1000 : n);
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
