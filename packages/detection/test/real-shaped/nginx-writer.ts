/**
 * nginx access log lines behind an AWS load balancer, in the format many APIs log: `main` plus the forwarded-for
 * chain, the Authorization header and the request time:
 *
 *   log_format api '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
 *                  '"$http_referer" "$http_user_agent" "$http_x_forwarded_for" "$http_authorization" $request_time';
 *
 * `$remote_addr` is the load balancer's private address; the client is the forwarded-for address.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `$time_local` of a server in UTC: `16/Oct/2026:03:14:00 +0000`. */
export function timeLocal(at: number): string {
  const d = new Date(at);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

export interface Request {
  at: number;
  client: string;
  method: string;
  path: string;
  status: number;
  bytes: number;
  ua: string;
  /** The Authorization header value (`Bearer ...`), `-` without one. */
  auth: string;
  referer?: string;
  /** The load balancer node that forwarded it. */
  lb?: string;
  /** An `X-Forwarded-For` the client sent itself; the balancer appends the real address after it. */
  forgedForwardedFor?: string;
}

/**
 * One access log line.
 *
 * @example
 * ```ts
 * accessLine({ at: Date.now(), client: '3.80.12.5', method: 'GET', path: '/api/v1/me', status: 200, bytes: 312, ua: 'curl/8.5.0', auth: 'Bearer tw_live_x' });
 * ```
 */
export function accessLine(r: Request): string {
  const rt = (0.004 + ((r.at % 997) / 997) * 0.12).toFixed(3);
  return `${r.lb ?? '10.0.1.23'} - - [${timeLocal(r.at)}] "${r.method} ${r.path} HTTP/1.1" ${r.status} ${r.bytes} "${r.referer ?? '-'}" "${r.ua}" "${r.forgedForwardedFor ? `${r.forgedForwardedFor}, ` : ''}${r.client}" "${r.auth}" ${rt}`;
}
