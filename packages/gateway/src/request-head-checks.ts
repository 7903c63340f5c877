import type { IncomingMessage } from 'node:http';
import { originFormOf } from './absolute-form.js';
import { ambiguousFraming, DUPLICATE_AUTHORIZATION } from './request-smuggling.js';
import { type Refusal, refuse } from './www-authenticate.js';

/** Header fields Node keeps per request (its default is 2 000); a head with more is refused (431). */
export const MAX_HEADER_FIELDS = 500;

/**
 * The checks the reverse proxy makes on a request head before the guard sees it: the HTTP version
 * (505 for `HTTP/0.9` or `HTTP/2.0`, which Node parses as 1.x), the number of fields (431 at
 * {@link MAX_HEADER_FIELDS}: Node drops the fields past its count silently, so a second
 * `Authorization` or `Host` there would go unseen), ambiguous framing, Host and Authorization
 * ({@link ambiguousFraming}: 400, with a challenge for the credential), an absolute-form target
 * (rewritten in `req.url` to the origin-form it names, or 400) and TRACE (405: it echoes the request,
 * credentials and cookies included, back to the caller). Returns the refusal, or undefined.
 *
 * @example
 * ```ts
 * const early = headRefusal(req, (reason) => guard.malformedCredential(reason));
 * if (early) return sendRefusal(res, early);
 * ```
 */
export function headRefusal(req: IncomingMessage, malformedCredential: (reason: string) => Refusal): Refusal | undefined {
  if (req.httpVersionMajor !== 1) return refuse(505, 'invalid_request', 'HTTP version');
  if (req.rawHeaders.length >= 2 * MAX_HEADER_FIELDS) return refuse(431, 'invalid_request', 'too many header fields');
  const framing = ambiguousFraming(req);
  if (framing) return framing === DUPLICATE_AUTHORIZATION ? malformedCredential(framing) : refuse(400, 'invalid_request', framing);
  const url = req.url ?? '/';
  if (url.charCodeAt(0) !== 0x2f && url !== '*') {
    const origin = originFormOf(url, typeof req.headers.host === 'string' ? req.headers.host : undefined);
    if ('reason' in origin) return refuse(400, 'invalid_request', origin.reason);
    req.url = origin.target;
  }
  if (req.method === 'TRACE') return refuse(405, 'method_not_allowed', 'TRACE');
  return undefined;
}
