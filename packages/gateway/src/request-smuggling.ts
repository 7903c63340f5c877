import type { IncomingMessage } from 'node:http';

/** The reason {@link ambiguousFraming} gives for two `Authorization` fields (a credential problem: 400 with a challenge). */
export const DUPLICATE_AUTHORIZATION = 'more than one Authorization header';

// Characters of a Host field value (RFC 9110 §7.2: uri-host [":" port]; RFC 3986 reg-name,
// IPv4 and IP-literal). Not '/', '@', '\', '?', '#', space or anything non-ASCII: an upstream that
// builds URLs from Host would read a path, user-info or another host out of them.
const HOST_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=%[]:") HOST_CHAR[c.charCodeAt(0)] = 1;

/**
 * Refuses framing that proxies and origins could read differently (request smuggling): both
 * `Content-Length` and `Transfer-Encoding`, more than one `Content-Length` (even with equal values),
 * a non-numeric length, a `Transfer-Encoding` other than plain `chunked`, more than one `Host`
 * (RFC 9112 §3.2: servers differ on which one names the target) or a Host that is not a host
 * (RFC 9112 §3.2 asks for 400), and more than one `Authorization` (Node keeps the first, other
 * servers the last: a request must not choose which credential is checked). Returns the reason, or
 * undefined when the request is unambiguous.
 *
 * @example
 * ```ts
 * const bad = ambiguousFraming(req);
 * if (bad) return refuse400(bad);
 * ```
 */
export function ambiguousFraming(req: IncomingMessage): string | undefined {
  let contentLengths = 0;
  let transferEncodings = 0;
  let hosts = 0;
  let authorizations = 0;
  let te = '';
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    // Only names of the right length are lower-cased (this runs on every proxied request).
    if (name.length === 4) {
      if (name.toLowerCase() === 'host') {
        hosts++;
        if (!validHost(raw[i + 1] as string)) return 'invalid Host header';
      }
    } else if (name.length === 13) {
      if ((name.charCodeAt(0) | 0x20) === 0x61 && name.toLowerCase() === 'authorization') authorizations++;
    } else if (name.length === 14) {
      if (name.toLowerCase() !== 'content-length') continue;
      contentLengths++;
      if (!/^\d{1,15}$/.test((raw[i + 1] as string).trim())) return 'malformed Content-Length';
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
      transferEncodings++;
      te = (raw[i + 1] as string).trim().toLowerCase();
    }
  }
  if (contentLengths > 1) return 'duplicate Content-Length';
  if (contentLengths > 0 && transferEncodings > 0) return 'both Content-Length and Transfer-Encoding';
  if (transferEncodings > 1 || (transferEncodings === 1 && te !== 'chunked')) return 'unsupported Transfer-Encoding';
  if (hosts > 1) return 'more than one Host header';
  if (authorizations > 1) return DUPLICATE_AUTHORIZATION;
  return undefined;
}

function validHost(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || HOST_CHAR[c] !== 1) return false;
  }
  return true;
}
