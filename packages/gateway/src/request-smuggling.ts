import type { IncomingMessage } from 'node:http';

/**
 * Refuses framing that proxies and origins could read differently (request smuggling): both
 * `Content-Length` and `Transfer-Encoding`, more than one `Content-Length` (even with equal values),
 * a non-numeric length, a `Transfer-Encoding` other than plain `chunked`, or more than one `Host`
 * (RFC 9112 §3.2: servers differ on which one names the target). Returns the reason, or undefined
 * when the request is unambiguous.
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
  let te = '';
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    // Only names of the right length are lower-cased (this runs on every proxied request).
    if (name.length === 4) {
      if (name.toLowerCase() === 'host') hosts++;
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
  return undefined;
}
