/**
 * Reads an absolute-form request target (`GET http://api.example.com/admin/x HTTP/1.1`), which a
 * server must accept (RFC 9112 §3.2.2), as the origin-form target it stands for (`/admin/x`), so
 * that it is normalised and matched like any other and never reaches the upstream in a form the
 * route rules did not see. Refused (a reason): a scheme other than http(s), user-info in the
 * authority (RFC 9110 §4.2.4), or an authority other than the Host header (two names for the
 * target, which servers resolve differently).
 *
 * @example
 * ```ts
 * originFormOf('http://api.test/admin/x?y=1', 'api.test'); // { target: '/admin/x?y=1' }
 * originFormOf('http://evil.test/x', 'api.test'); // { reason: 'absolute-form target names another host' }
 * ```
 */
export function originFormOf(target: string, host: string | undefined): { target: string } | { reason: string } {
  const scheme = /^https?:\/\//i.exec(target);
  if (!scheme) return { reason: 'request target must start with /' };
  const rest = target.slice(scheme[0].length);
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) {
      end = i;
      break;
    }
  }
  const authority = rest.slice(0, end);
  if (authority.includes('@')) return { reason: 'user-info in the request target' };
  if (authority.length === 0 || host === undefined || authority.toLowerCase() !== host.toLowerCase())
    return { reason: 'absolute-form target names another host' };
  const path = rest.slice(end);
  return { target: path.length === 0 ? '/' : path.charCodeAt(0) === 0x2f ? path : `/${path}` };
}
