import { createHash } from 'node:crypto';
import { addressScope } from '@tokenwarden/core';
import { compact } from '../fields.js';
import { recordLocation, recordOrigin } from '../record-location.js';
import { formatIsoTime, isCalendarTime, normaliseIp } from '../time-and-ip.js';
import type { NormalisedEvent, ParseOutcome, RecordContext } from '../types.js';
import { isCdnEdge } from './cdn-edges.js';

/**
 * Where an nginx/Apache line carries the credential:
 * - `auto`: an extra field after the user agent with an auth scheme (`Bearer ...`), else one that
 *   looks like a token (not an address list, number, URL or `$request_id`), else `$remote_user`,
 *   else a token-like query parameter (`access_token`, `api_key`, `apikey`, `key`, `token`);
 * - `remote_user`; `field:N` (the N-th extra quoted field, 1-based); `query:NAME`.
 */
export type NginxCredentialSource = 'auto' | 'remote_user' | `field:${number}` | `query:${string}`;

/** Options of the nginx/Apache parser. */
export interface NginxOptions {
  credentialFrom?: NginxCredentialSource;
}

// $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" [extra "..." fields]
const COMBINED =
  /^(\S+) \S+ (\S+) \[([^\]]{1,64})\] "((?:[^"\\]|\\.){0,8192})" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.){0,8192})" "((?:[^"\\]|\\.){0,8192})")?(.*)$/;
const EXTRA_FIELD = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
// Apache's vhost_combined (Debian's other_vhosts_access.log): `%v:%p ` before the combined fields.
const VHOST_PREFIX = /^([^\s:]{1,253}):(\d{1,5}) (?=\S+ \S+ \S+ \[)/;
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const TOKEN_PARAMS = ['access_token', 'api_key', 'apikey', 'key', 'token'];

// The combined fields of `line`, and the virtual host of a vhost_combined line.
function matchCombined(line: string): { m: RegExpExecArray; vhost: string | undefined } | undefined {
  const m = COMBINED.exec(line);
  if (m) return { m, vhost: undefined };
  const prefix = VHOST_PREFIX.exec(line);
  if (!prefix) return undefined;
  const rest = COMBINED.exec(line.slice(prefix[0].length));
  return rest ? { m: rest, vhost: prefix[1] } : undefined;
}

/**
 * True when a text line looks like an nginx/Apache combined (or common, or Apache vhost_combined) log line.
 *
 * @example
 * ```ts
 * looksNginx('203.0.113.9 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8.0"'); // true
 * ```
 */
export function looksNginx(line: string): boolean {
  return matchCombined(line) !== undefined;
}

/**
 * Parses `10/Oct/2000:13:55:36 -0700` into epoch ms, or undefined.
 *
 * @example
 * ```ts
 * parseClfTime('10/Oct/2000:13:55:36 -0700'); // 971211336000
 * ```
 */
export function parseClfTime(s: string): number | undefined {
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const month = MONTHS[m[2] as string];
  if (month === undefined) return undefined;
  const [year, day, hour, minute, second] = [m[3], m[1], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const offsetHours = Number(m[8]);
  const offsetMinutes = Number(m[9]);
  // Real zones lie within ±14:00.
  if (!isCalendarTime(year, month + 1, day, hour, minute, second) || offsetHours > 14 || offsetMinutes > 59) return undefined;
  const utc = Date.UTC(year, month, day, hour, minute, second);
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000 * (m[7] === '-' ? -1 : 1);
  const ts = utc - offset;
  return Number.isFinite(ts) ? ts : undefined;
}

/**
 * The credential id used for a secret found in a log: `hash:` plus the first 16 hex digits of
 * its SHA-256. A `Bearer `/`Basic ` scheme is dropped first, so the same token seen in a header
 * and in a query string maps to one id. The secret itself is never kept.
 *
 * @example
 * ```ts
 * hashedCredentialId('Bearer abc'); // 'hash:ba7816bf8f01cfea'
 * ```
 */
export function hashedCredentialId(secret: string): string {
  const bare = secret.replace(/^(bearer|basic|token|apikey)\s+/i, '');
  return `hash:${createHash('sha256').update(bare, 'utf8').digest('hex').slice(0, 16)}`;
}

function queryParam(target: string, names: readonly string[]): string | undefined {
  const q = target.indexOf('?');
  if (q < 0) return undefined;
  for (const part of target.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).toLowerCase();
    if (names.includes(name) && eq < part.length - 1) {
      try {
        return decodeURIComponent(part.slice(eq + 1));
      } catch {
        return part.slice(eq + 1);
      }
    }
  }
  return undefined;
}

function extraFields(rest: string): string[] {
  const out: string[] = [];
  for (const m of rest.matchAll(EXTRA_FIELD)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

const AUTH_SCHEME = /^(bearer|basic|token|dpop|apikey|ssws)\s+\S/i;
// `$request_id`: 32 hex digits, new on every line, never a credential.
const REQUEST_ID = /^[0-9a-f]{32}$/;
const NUMBER = /^[\d.:,\s-]+$/;

/** The addresses of an `X-Forwarded-For` or `$upstream_addr` value (`a, b` or `a:port`), or undefined. */
function addressList(v: string): string[] | undefined {
  const out: string[] = [];
  for (const part of v.split(',')) {
    const item = part.trim();
    const ip = normaliseIp(item) ?? normaliseIp(item.replace(/:\d+$/, ''));
    if (!ip) return undefined;
    out.push(ip);
  }
  return out.length > 0 ? out : undefined;
}

// An extra field that can be a credential: a value with an auth scheme, or a long token that is
// not an address list, a number or duration, a URL or a request id (the fields nginx formats
// commonly add: $http_x_forwarded_for, $request_time, $upstream_addr, $request_id).
function tokenLike(v: string): boolean {
  if (AUTH_SCHEME.test(v)) return true;
  if (v.length < 16 || /\s/.test(v) || NUMBER.test(v) || REQUEST_ID.test(v) || /^[a-z][a-z+.-]*:\/\//i.test(v)) return false;
  return addressList(v) === undefined;
}

function credentialSecret(from: NginxCredentialSource, remoteUser: string, target: string, extras: string[]): string | undefined {
  const present = (v: string | undefined) => (v !== undefined && v !== '-' && v !== '' ? v : undefined);
  if (from === 'remote_user') return present(remoteUser);
  if (from.startsWith('field:')) return present(extras[Number(from.slice(6)) - 1]);
  if (from.startsWith('query:')) return present(queryParam(target, [from.slice(6).toLowerCase()]));
  return (
    extras.find((v) => AUTH_SCHEME.test(v)) ?? extras.find(tokenLike) ?? present(remoteUser) ?? present(queryParam(target, TOKEN_PARAMS))
  );
}

/** A proxy of our own or of the CDN in front: an address that forwards requests, not a client. */
function isProxyHop(ip: string): boolean {
  return addressScope(ip)?.internal === true || isCdnEdge(ip);
}

/**
 * The client behind a load balancer or a CDN: when the connecting address is internal (our load balancer) or a
 * CDN edge (Cloudflare, Fastly) and an extra field is an address list (`$http_x_forwarded_for`), the last address in it
 * that is neither; else `addr`. Each proxy appends the address it received the request from, so the rightmost
 * outside address is the one our own proxies vouch for: anything left of it came in the request's own header,
 * which a client can write (a thief setting `X-Forwarded-For: <the victim's home address>` to look at home). A
 * public connecting address that is no CDN is never overridden.
 */
function clientAddress(addr: string, extras: string[]): string {
  if (!isProxyHop(addr)) return addr;
  for (const v of extras) {
    const list = addressList(v);
    if (list === undefined) continue;
    for (let i = list.length - 1; i >= 0; i--) {
      const ip = list[i] as string;
      if (!isProxyHop(ip)) return ip;
    }
  }
  return addr;
}

/**
 * Creates the parser of nginx/Apache combined log lines. The credential is hashed into a
 * `hash:<hex16>` id ({@link hashedCredentialId}) and the query string is dropped from the path,
 * so no secret leaves the parser.
 *
 * @example
 * ```ts
 * const parse = createNginxParser({ credentialFrom: 'field:1' });
 * parse(line, { source: 'access.log', line: 1 });
 * ```
 */
export function createNginxParser(options: NginxOptions = {}): (line: unknown, ctx: RecordContext) => ParseOutcome {
  const from = options.credentialFrom ?? 'auto';
  return (line, ctx) => {
    if (typeof line !== 'string') return { kind: 'error', reason: 'nginx record is not a text line' };
    const matched = matchCombined(line);
    if (!matched) return { kind: 'error', reason: 'not an nginx/Apache combined log line' };
    const { m, vhost } = matched;
    const [, addr = '', remoteUser = '-', timeLocal = '', request = '', statusText = '', bytesText = '-', , agent, rest = ''] = m;
    const ts = parseClfTime(timeLocal);
    if (ts === undefined) return { kind: 'error', reason: 'unreadable [time_local]: not a real date and time with a ±hhmm zone' };
    const remoteIp = normaliseIp(addr);
    if (!remoteIp) return { kind: 'error', reason: 'remote address is not an IP address' };
    const extras = extraFields(rest);
    const sourceIp = clientAddress(remoteIp, extras);
    const parts = request.split(' ');
    const method = parts.length >= 2 && /^[A-Z]{3,10}$/.test(parts[0] ?? '') ? parts[0] : undefined;
    const target = method ? (parts[1] ?? '') : '';
    const secret = credentialSecret(from, remoteUser, target, extras);
    if (!secret) return { kind: 'ignored', why: 'nginx line without a credential' };
    const credential = hashedCredentialId(secret);
    const status = Number(statusText);
    const path = target.split('?')[0]?.slice(0, 1024);

    const event: NormalisedEvent = compact({
      id: recordLocation(ctx),
      time: formatIsoTime(ts),
      ts,
      credential_id: credential,
      credential_key: credential,
      principal: from !== 'remote_user' && remoteUser !== '-' ? remoteUser.slice(0, 256) : undefined,
      source_ip: sourceIp,
      user_agent: agent && agent !== '-' ? agent.slice(0, 1024) : undefined,
      method,
      path: path || undefined,
      operation: method && path ? `${method} ${path}` : undefined,
      outcome: status < 400 ? ('success' as const) : ('failure' as const),
      status,
      bytes_out: bytesText === '-' ? undefined : Number(bytesText),
      source_system: 'nginx',
      attributes: vhost === undefined ? undefined : { vhost },
      origin: recordOrigin(ctx),
    });
    return { kind: 'event', event };
  };
}
