import type { GuardRequest } from './guard-decision.js';

// With their underscore spellings: CGI, WSGI and PHP servers read `X_HTTP_Method_Override` and
// `X-HTTP-Method-Override` as the same variable (HTTP_X_HTTP_METHOD_OVERRIDE).
const OVERRIDE_HEADERS = [
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x_http_method_override',
  'x_http_method',
  'x_method_override',
] as const;

/**
 * The method the upstream may act on: the request's own, or the one a method-override header names
 * (many frameworks honour `X-HTTP-Method-Override`, `X-HTTP-Method` or `X-Method-Override`, spelt with
 * dashes or underscores, so a GET carrying `X-HTTP-Method-Override: DELETE` must meet the DELETE rule or
 * be refused). With
 * `refuse`, an override naming another method gives undefined (the request is refused); with
 * `match`, that method. Headers that disagree, or a value that is not a method, give undefined.
 *
 * @example
 * ```ts
 * effectiveMethod({ method: 'GET', headers: { 'x-http-method-override': 'DELETE' }, ... }, 'match'); // 'DELETE'
 * effectiveMethod({ method: 'GET', headers: { 'x-http-method-override': 'DELETE' }, ... }, 'refuse'); // undefined
 * ```
 */
export function effectiveMethod(req: Pick<GuardRequest, 'method' | 'headers'>, mode: 'refuse' | 'match'): string | undefined {
  const h = req.headers;
  const named =
    h['x-http-method-override'] ??
    h['x-http-method'] ??
    h['x-method-override'] ??
    h.x_http_method_override ??
    h.x_http_method ??
    h.x_method_override;
  if (named === undefined) return req.method;
  if (typeof named !== 'string' || !/^[A-Za-z]{1,16}$/.test(named)) return undefined;
  const override = named.toUpperCase();
  // Every override header present must agree (each framework reads its own).
  for (const name of OVERRIDE_HEADERS) {
    const other = h[name];
    if (other !== undefined && (typeof other !== 'string' || other.toUpperCase() !== override)) return undefined;
  }
  if (override === req.method) return req.method;
  return mode === 'match' ? override : undefined;
}
