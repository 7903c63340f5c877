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

/** Why a credential carried in the URL query is refused (the guard reports it as exposed). */
export const CREDENTIAL_IN_URL = 'credential in the URL query string';
/** Why a `tw_` key carried in the URL path is refused (the guard reports it as exposed). */
export const CREDENTIAL_IN_PATH = 'credential in the URL path';

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
    if (TW_KEY.test(q === -1 ? carrier.path : carrier.path.slice(0, q))) return { scheme: 'malformed', reason: CREDENTIAL_IN_PATH };
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
const QUERY_HINT = /access|api|tw_|eyJ|%|;/i;
const TW_KEY = /tw_[ks]_[0-9A-Za-z]{38}/;
// A JWS in compact form (`eyJ…` header and payload, both JSON objects): an access or ID token, whatever the
// parameter is called (`token`, `jwt`, `id_token`); the upstream would log it and pass it on in Referer headers.
const JWT_SHAPED = /(?:^|[^A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/;

// A secret under a parameter name that is not a credential's: a `tw_` key in the name or the value, or a JWT value.
function straySecret(name: string, value: string): string | undefined {
  return (TW_KEY.exec(value) ?? TW_KEY.exec(name) ?? JWT_SHAPED.exec(value))?.at(-1);
}
// Any `tw_` secret (keys, service-account tokens, refresh tokens, client secrets), for redaction.
const TW_SECRET = /tw_[ksrc]_[0-9A-Za-z]{38}/g;
const REDACTED = '[redacted]';

// The credentials a query carries, as any upstream might read them: the values of `access_token`
// and `api_key` however their names are spelt (any case, percent-encoded, `[]`-suffixed, after a
// `;` separator), and whether a `tw_` key or a JWT sits under any other name. Undefined when there is none.
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
    else if (straySecret(name, value) !== undefined) strayKey = true;
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

/**
 * The secret a refused URL carried ({@link CREDENTIAL_IN_URL} or {@link CREDENTIAL_IN_PATH}), so
 * that its exposure can name the credential: the first `tw_` key in the path, else the first
 * `access_token` / `api_key` value (however spelt) or `tw_` key in the query. Called only on
 * refused requests; the result must never be logged.
 *
 * @example
 * ```ts
 * exposedSecret('/keys/tw_k_...', ''); // 'tw_k_...'
 * exposedSecret('/x', 'access_token=abc'); // 'abc'
 * ```
 */
export function exposedSecret(path: string, query: string): string | undefined {
  const q = path.indexOf('?');
  const inPath = TW_KEY.exec(q === -1 ? path : path.slice(0, q));
  if (inPath) return inPath[0];
  if (query.length === 0) return undefined;
  let stray: string | undefined;
  for (const pair of query.split(/[&;]/)) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const name = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryPart(pair.slice(eq + 1));
    if (isCredentialParameter(name) && value.length > 0) return value;
    stray ??= straySecret(name, value);
  }
  return stray;
}

/**
 * `text` with every `tw_` secret in it replaced by `[redacted]`: what an access event may keep of
 * a path that carried one.
 *
 * @example
 * ```ts
 * redactSecrets('/hello/tw_k_<38 characters>.json'); // '/hello/[redacted].json'
 * ```
 */
export function redactSecrets(text: string): string {
  return text.includes('tw_') ? text.replace(TW_SECRET, REDACTED) : text;
}

/**
 * The request target without its `access_token` / `api_key` query parameters (however spelt, as
 * {@link extractCredential} reads them), other parameters and their separators kept: what goes
 * upstream when a route admitted a query token but credentials are not forwarded.
 *
 * @example
 * ```ts
 * withoutQueryCredentials('/feed?a=1&access_token=x&b=2'); // '/feed?a=1&b=2'
 * withoutQueryCredentials('/feed?access_token=x'); // '/feed'
 * ```
 */
export function withoutQueryCredentials(target: string): string {
  const q = target.indexOf('?');
  if (q === -1) return target;
  // With the separators captured: pair, separator, pair, ...
  const parts = target.slice(q + 1).split(/([&;])/);
  let query = '';
  let kept = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const pair = parts[i] as string;
    const eq = pair.indexOf('=');
    if (pair.length > 0 && isCredentialParameter(decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq)))) continue;
    query += kept === 0 ? pair : `${parts[i - 1] ?? '&'}${pair}`;
    kept++;
  }
  return query.length === 0 ? target.slice(0, q) : `${target.slice(0, q)}?${query}`;
}
