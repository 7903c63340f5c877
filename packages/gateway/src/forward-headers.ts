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

/**
 * Headers to send upstream: hop-by-hop fields (and any named in `Connection`) are removed,
 * credentials are stripped unless asked otherwise, spoofable `X-TokenWarden-*` fields from the
 * client are dropped and replaced by the verified identity, and X-Forwarded-For/-Proto/-Host are set.
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
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || named.has(name) || name.startsWith(IDENTITY_PREFIX)) continue;
    if (!options.forwardCredentials && CREDENTIAL_HEADERS.has(name)) continue;
    if (name === 'x-forwarded-for' || name === 'x-forwarded-proto' || name === 'x-forwarded-host' || name === 'forwarded') continue;
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

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const set = new Set<string>();
  if (!value) return set;
  for (const v of Array.isArray(value) ? value : [value]) for (const t of v.split(',')) set.add(t.trim().toLowerCase());
  return set;
}
