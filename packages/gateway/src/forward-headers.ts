import type { IncomingHttpHeaders } from 'node:http';
import type { ClientInfo } from './client-info.js';
import type { VerifiedCredential } from './verified-credential.js';

// RFC 9110 §7.6.1 connection-specific fields, plus legacy ones that must not cross a proxy.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'http2-settings',
]);
const CREDENTIAL_HEADERS = new Set(['authorization', 'dpop', 'x-api-key']);
const IDENTITY_PREFIX = 'x-tokenwarden-';
// Set here from what the gateway saw, or never passed on: forwarding fields, client-address fields
// that frameworks believe (a client must not name its own address), URL overrides that IIS,
// Symfony and Zend route on instead of the checked path, and `Expect` (answered here; the upstream
// client refuses it).
const REPLACED_OR_SPOOFABLE = new Set([
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-server',
  'x-forwarded-ssl',
  'x-forwarded-scheme',
  'x-forwarded',
  'forwarded',
  'forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'x-url-scheme',
  'front-end-https',
  'x-original-url',
  'x-rewrite-url',
  'x-original-uri',
  'x-override-url',
  'x-request-id',
  'expect',
]);

/**
 * Headers to send upstream: hop-by-hop fields (and any named in `Connection`) are removed,
 * credentials are stripped unless asked otherwise, spoofable `X-TokenWarden-*` fields from the
 * client are dropped and replaced by the verified identity, client-address fields (`X-Real-IP`,
 * `True-Client-IP`, ...) and URL overrides (`X-Original-URL`, `X-Rewrite-URL`) are dropped, as is
 * any of these spelt with underscores, and X-Forwarded-For/-Proto/-Host and X-Request-Id are set.
 *
 * @example
 * ```ts
 * const headers = upstreamHeaders(req.headers, client, credential, { forwardCredentials: false, requestId });
 * ```
 */
export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  client: ClientInfo,
  credential: VerifiedCredential | undefined,
  options: { forwardCredentials: boolean; requestId: string; trustedForwarding: boolean },
): Record<string, string | string[]> {
  const named = connectionTokens(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || named.has(name)) continue;
    if (withheld(name, options.forwardCredentials)) continue;
    // CGI and WSGI servers read `X_Forwarded_For` and `X-Forwarded-For` as the same variable.
    if (name.includes('_') && withheld(name.replaceAll('_', '-'), options.forwardCredentials)) continue;
    out[name] = value;
  }
  const priorChain = options.trustedForwarding ? incoming['x-forwarded-for'] : undefined;
  const prior = Array.isArray(priorChain) ? priorChain.join(', ') : priorChain;
  out['x-forwarded-for'] = prior ? `${prior}, ${client.peer}` : client.peer;
  out['x-forwarded-proto'] = client.proto;
  if (typeof incoming.host === 'string') out['x-forwarded-host'] = incoming.host;
  out['x-request-id'] = options.requestId;
  if (credential) {
    out['x-tokenwarden-subject'] = credential.subject;
    out['x-tokenwarden-credential-id'] = credential.id;
    out['x-tokenwarden-scopes'] = credential.scopes.join(' ');
  }
  return out;
}

/**
 * Response headers to send back to the client: hop-by-hop fields removed.
 *
 * @example
 * ```ts
 * res.writeHead(status, downstreamHeaders(upstream.headers));
 * ```
 */
export function downstreamHeaders(incoming: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const named = connectionTokens(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * The `Cache-Control` of a success response to a request that carried its token in the query
 * (RFC 6750 §2.3: it SHOULD be `private`): `private` added to the upstream's directives, `public`
 * dropped, and left as it is when the upstream already said `private` or the stricter `no-store`.
 *
 * @example
 * ```ts
 * privateCacheControl(undefined); // 'private'
 * privateCacheControl('public, max-age=60'); // 'private, max-age=60'
 * privateCacheControl('no-store'); // 'no-store'
 * ```
 */
export function privateCacheControl(upstream: string | string[] | undefined): string {
  const value = Array.isArray(upstream) ? upstream.join(', ') : (upstream ?? '');
  const directives = value
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d.length > 0);
  const names = directives.map((d) => d.split('=')[0]?.trim().toLowerCase());
  // `private="field"` only keeps the named fields out of shared caches: not enough.
  if (names.includes('no-store') || directives.some((d) => d.toLowerCase() === 'private')) return directives.join(', ');
  return ['private', ...directives.filter((_, i) => names[i] !== 'public' && names[i] !== 'private')].join(', ');
}

// True for a request field that never crosses to the upstream as the client sent it.
function withheld(name: string, forwardCredentials: boolean): boolean {
  return (
    HOP_BY_HOP.has(name) ||
    REPLACED_OR_SPOOFABLE.has(name) ||
    name.startsWith(IDENTITY_PREFIX) ||
    (!forwardCredentials && CREDENTIAL_HEADERS.has(name))
  );
}

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const set = new Set<string>();
  if (!value) return set;
  for (const v of Array.isArray(value) ? value : [value]) for (const t of v.split(',')) set.add(t.trim().toLowerCase());
  return set;
}
