/** A credential as presented on a request, before any verification. */
export type PresentedCredential =
  | { scheme: 'bearer' | 'dpop'; token: string; via: 'authorization' | 'query' | 'x-api-key' }
  | { scheme: 'none' }
  | { scheme: 'malformed'; reason: string };

/** Headers and query string the extractor reads. */
export interface CredentialCarrier {
  authorization: string | string[] | undefined;
  xApiKey: string | string[] | undefined;
  query: string;
}

const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Finds the credential of a request: `Authorization: Bearer|DPoP <token>`, an `X-API-Key` header
 * (when enabled), or, only when the route allows it, `?access_token=` (RFC 6750 §2.3; refused by
 * default per RFC 9700 §4.3.2 because URLs leak into logs and Referer headers). More than one
 * credential is malformed: a request must not be able to choose which one we check.
 *
 * @example
 * ```ts
 * extractCredential({ authorization: 'Bearer abc', xApiKey: undefined, query: '' }, { acceptXApiKey: true, allowQueryToken: false });
 * // { scheme: 'bearer', token: 'abc', via: 'authorization' }
 * ```
 */
export function extractCredential(
  carrier: CredentialCarrier,
  options: {
    acceptXApiKey: boolean;
    allowQueryToken: boolean;
    /** Reads one Authorization header ({@link readAuthorization} or a memo of it). */
    readAuthorization?: (header: string) => PresentedCredential;
  },
): PresentedCredential {
  let found: PresentedCredential | undefined;
  let count = 0;
  if (carrier.authorization !== undefined) {
    if (Array.isArray(carrier.authorization)) return { scheme: 'malformed', reason: 'more than one Authorization header' };
    const parsed = (options.readAuthorization ?? readAuthorization)(carrier.authorization);
    if (parsed.scheme !== 'bearer' && parsed.scheme !== 'dpop') return parsed;
    found = parsed;
    count++;
  }
  if (options.acceptXApiKey && carrier.xApiKey !== undefined) {
    if (Array.isArray(carrier.xApiKey)) return { scheme: 'malformed', reason: 'more than one X-API-Key header' };
    const token = carrier.xApiKey.trim();
    if (!TOKEN68.test(token)) return { scheme: 'malformed', reason: 'malformed credential' };
    found = { scheme: 'bearer', token, via: 'x-api-key' };
    count++;
  }
  const queryToken = queryCredential(carrier.query);
  if (queryToken !== undefined) {
    if (!options.allowQueryToken) return { scheme: 'malformed', reason: 'credential in the URL query string' };
    if (queryToken === null || !TOKEN68.test(queryToken)) return { scheme: 'malformed', reason: 'malformed credential' };
    found = { scheme: 'bearer', token: queryToken, via: 'query' };
    count++;
  }
  if (count > 1) return { scheme: 'malformed', reason: 'more than one credential' };
  return found ?? NONE;
}

/**
 * Reads one `Authorization` header value: `Bearer <token68>` or `DPoP <token68>` (scheme in any
 * case), anything else malformed. A pure function of the text, so its answers may be memoised.
 *
 * @example
 * ```ts
 * readAuthorization('Bearer abc'); // { scheme: 'bearer', token: 'abc', via: 'authorization' }
 * ```
 */
export function readAuthorization(header: string): PresentedCredential {
  const auth = header.trim();
  const space = auth.indexOf(' ');
  const scheme = (space === -1 ? auth : auth.slice(0, space)).toLowerCase();
  const token = space === -1 ? '' : auth.slice(space + 1).trim();
  if (scheme !== 'bearer' && scheme !== 'dpop') return { scheme: 'malformed', reason: 'unsupported authorization scheme' };
  if (!TOKEN68.test(token)) return { scheme: 'malformed', reason: 'malformed credential' };
  return { scheme, token, via: 'authorization' };
}

const NONE: PresentedCredential = Object.freeze({ scheme: 'none' });

// Returns the token (undefined when absent, null when present more than once).
function queryCredential(query: string): string | null | undefined {
  if (query.length === 0) return undefined;
  if (!/(?:^|&)(?:access_token|api_key)=/i.test(query)) return undefined;
  const params = new URLSearchParams(query);
  const values = [...params.getAll('access_token'), ...params.getAll('api_key')];
  for (const [k] of params) if (/^(access_token|api_key)$/i.test(k) && k !== 'access_token' && k !== 'api_key') values.push('');
  if (values.length !== 1) return null;
  return values[0] ?? null;
}

/**
 * True when the query string carries something that looks like a credential (for exposure reporting).
 *
 * @example
 * ```ts
 * queryHasCredential('a=1&access_token=x'); // true
 * ```
 */
export function queryHasCredential(query: string): boolean {
  return /(?:^|&)(?:access_token|api_key)=/i.test(query) || /\btw_[ks]_[0-9A-Za-z]{38}\b/.test(query);
}
