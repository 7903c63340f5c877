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
  /**
   * The target as forwarded (decoded once, `;parameters` kept; a query after `?` is ignored): a
   * `tw_` key in its path is a credential in the URL too (`/x;api_key=tw_k_...`).
   */
  path?: string;
}

/**
 * Why an `Authorization` header of another scheme (`Basic`) is not read: RFC 6750 §3.1 answers it
 * like a request without a credential (401, no error code), not as a malformed request.
 */
export const UNSUPPORTED_SCHEME = 'unsupported authorization scheme';

/** Why a credential carried in the URL is refused (the guard reports it as exposed). */
export const CREDENTIAL_IN_URL = 'credential in the URL query string';

const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Finds the credential of a request: `Authorization: Bearer|DPoP <token>`, an `X-API-Key` header
 * (when enabled), or, only when the route allows it, `?access_token=` (RFC 6750 §2.3; refused by
 * default per RFC 9700 §4.3.2 because URLs leak into logs and Referer headers: so is `api_key`,
 * any spelling of either that a server could decode to them, and a `tw_` key under any name). More than one
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
  const inQuery = queryCredentials(carrier.query);
  if (inQuery !== undefined) {
    if (!options.allowQueryToken) return { scheme: 'malformed', reason: CREDENTIAL_IN_URL };
    // A route that allows query tokens reads them from access_token / api_key only.
    if (inQuery.values.length > 0) {
      const token = inQuery.values[0] as string;
      if (inQuery.values.length > 1 || !TOKEN68.test(token)) return { scheme: 'malformed', reason: 'malformed credential' };
      found = { scheme: 'bearer', token, via: 'query' };
      count++;
    }
  }
  // Paths are logged like queries; no route puts a key in one.
  if (carrier.path?.includes('tw_')) {
    const q = carrier.path.indexOf('?');
    if (TW_KEY.test(q === -1 ? carrier.path : carrier.path.slice(0, q))) return { scheme: 'malformed', reason: CREDENTIAL_IN_URL };
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
  if (scheme !== 'bearer' && scheme !== 'dpop') return { scheme: 'malformed', reason: UNSUPPORTED_SCHEME };
  if (!TOKEN68.test(token)) return { scheme: 'malformed', reason: 'malformed credential' };
  return { scheme, token, via: 'authorization' };
}

const NONE: PresentedCredential = Object.freeze({ scheme: 'none' });

// Anything in a query that could spell a credential parameter or carry a key; most queries have none.
const QUERY_HINT = /access|api|tw_|%|;/i;
const TW_KEY = /tw_[ks]_[0-9A-Za-z]{38}/;

// The credentials a query carries, as any upstream might read them: the values of `access_token`
// and `api_key` however their names are spelt (any case, percent-encoded, `[]`-suffixed, after a
// `;` separator), and whether a `tw_` key sits under any other name. Undefined when there is none.
function queryCredentials(query: string): { values: string[]; strayKey: boolean } | undefined {
  if (query.length === 0 || !QUERY_HINT.test(query)) return undefined;
  const values: string[] = [];
  let strayKey = false;
  for (const pair of query.split(/[&;]/)) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const name = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryPart(pair.slice(eq + 1));
    if (isCredentialParameter(name)) values.push(value);
    else if (TW_KEY.test(value) || TW_KEY.test(name)) strayKey = true;
  }
  return values.length === 0 && !strayKey ? undefined : { values, strayKey };
}

function decodeQueryPart(part: string): string {
  const plain = part.replaceAll('+', ' ');
  try {
    return decodeURIComponent(plain);
  } catch {
    return plain;
  }
}

function isCredentialParameter(name: string): boolean {
  let n = name.trim().toLowerCase();
  if (n.endsWith('[]')) n = n.slice(0, -2);
  return n === 'access_token' || n === 'api_key';
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
