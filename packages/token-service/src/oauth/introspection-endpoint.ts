import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventSink } from '../events.js';
import type { ResourceServerView } from '../resource-server-view.js';
import { basicChallenge, CLIENT_AUTH_FAILED, NO_CLIENT_AUTHENTICATION } from './client-auth-errors.js';
import type { ClientAuthenticator } from './client-authenticator.js';

/** Where oidc-provider mounts RFC 7662 introspection (its default route, which we keep). */
export const INTROSPECTION_PATH = '/token/introspection';

/** The provider's body limit, kept so both paths accept the same requests. */
const BODY_LIMIT = 56 * 1024;

/** Parameters that must not repeat (RFC 7662 §2.1 and the client-authentication ones). */
const SINGLE = ['token', 'token_type_hint', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type'];

class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    readonly description: string,
    /** The specific reason, for the security event only (never sent to the caller). */
    readonly detail = description,
    /** The client id a failed authentication presented. */
    readonly clientId?: string,
  ) {
    super(description);
  }
}

/**
 * RFC 7662 introspection answered in front of oidc-provider's Koa stack, with the same rules:
 * the caller must authenticate as a confidential client (`client_secret_basic` or
 * `client_secret_post`, exactly one mechanism, the registered one); public clients, missing and
 * failed authentication get `invalid_client` (401 with a `Basic` challenge, and a
 * `client_auth.failure` event), like the provider's other client-authenticated endpoints (see
 * `clientAuthenticationErrors`); malformed requests get `invalid_request` (400). Unknown, revoked,
 * expired and canary tokens answer `{"active": false}`.
 *
 * Why a separate path: the provider's pipeline (Koa context, its client model, three token-model
 * lookups) cost most of each request, and it refuses structured (JWT) tokens outright; our access
 * tokens are JWTs and API keys are ours too, so answers come from the resource-server view, which
 * knows every credential kind we issue and checks the revocation log for each.
 *
 * @example
 * ```ts
 * const introspection = createIntrospectionEndpoint({ view, authenticator, events, issuer });
 * if (req.method === 'POST' && path === INTROSPECTION_PATH) return introspection(req, res);
 * ```
 */
export function createIntrospectionEndpoint(deps: {
  view: ResourceServerView;
  authenticator: ClientAuthenticator;
  events: EventSink;
  issuer: string;
}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const params = await readForm(req);
      await authenticate(req, params, deps.authenticator);
      const token = params.get('token');
      if (!token) throw new OAuthError(400, 'invalid_request', "missing required parameter 'token'");
      const answer = await deps.view.introspect(token);
      send(res, 200, answer);
    } catch (e) {
      // A body left unread (refused early) cannot be skipped on a kept-alive connection.
      if (!req.complete) res.setHeader('connection', 'close');
      if (!(e instanceof OAuthError)) {
        process.stderr.write(`token-service: introspection failed: ${e instanceof Error ? e.message : String(e)}\n`);
        send(res, 500, { error: 'server_error', error_description: 'oops! something went wrong' });
        return;
      }
      if (e.error === 'invalid_client') {
        deps.events.emit('client_auth.failure', { ...(e.clientId ? { client_id: e.clientId } : {}), reason: e.detail });
        res.setHeader('www-authenticate', basicChallenge(deps.issuer));
      }
      send(res, e.status, { error: e.error, error_description: e.description });
    }
  };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new OAuthError(400, 'invalid_request', 'only application/x-www-form-urlencoded content-type bodies are supported');
  }
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && !(declared <= BODY_LIMIT)) {
    req.resume();
    throw new OAuthError(400, 'invalid_request', 'failed to parse the request body');
  }
  // Event listeners rather than `for await`: the async iterator costs more than the rest of the
  // parsing on this hot path.
  const body = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > BODY_LIMIT) {
        req.removeAllListeners('data');
        req.resume();
        reject(new OAuthError(400, 'invalid_request', 'failed to parse the request body'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, received).toString('utf8')),
    );
    req.once('error', reject);
  });
  const params = new URLSearchParams(body);
  for (const name of SINGLE) {
    if (params.getAll(name).length > 1) throw new OAuthError(400, 'invalid_request', `'${name}' parameter must only be provided once`);
  }
  return params;
}

/** Resolves and authenticates the caller the way oidc-provider's client_auth does (with our errors); throws when it fails. */
async function authenticate(req: IncomingMessage, params: URLSearchParams, authenticator: ClientAuthenticator): Promise<void> {
  const header = req.headers.authorization;
  const postedSecret = params.get('client_secret') || undefined;
  const assertion = params.get('client_assertion') || undefined;
  if ([header, postedSecret, assertion].filter(Boolean).length > 1) {
    throw new OAuthError(400, 'invalid_request', 'client authentication must only be provided using one mechanism');
  }
  if (req.headers['oauth-client-attestation'] !== undefined || req.headers['oauth-client-attestation-pop'] !== undefined) {
    throw new OAuthError(400, 'invalid_request', 'client attestation is not supported');
  }
  let clientId = params.get('client_id') ?? undefined;
  let secret = postedSecret;
  if (header !== undefined) {
    const basic = parseBasic(header);
    if (clientId !== undefined && clientId !== basic.id) throw new OAuthError(400, 'invalid_request', 'client_id mismatch');
    clientId = basic.id;
    secret = basic.secret;
  }
  if (assertion !== undefined) {
    throw new OAuthError(401, 'invalid_client', CLIENT_AUTH_FAILED, 'client assertions are not accepted', clientId);
  }
  // RFC 6749 §5.2: no client authentication is invalid_client (the provider would say invalid_request).
  if (!clientId) throw new OAuthError(401, 'invalid_client', CLIENT_AUTH_FAILED, NO_CLIENT_AUTHENTICATION);
  const result = await authenticator.authenticate(clientId, secret);
  if (!result.ok) throw new OAuthError(401, 'invalid_client', CLIENT_AUTH_FAILED, result.detail, clientId);
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function parseBasic(header: string): { id: string; secret: string } {
  const m = /^basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  const invalid = (): OAuthError => new OAuthError(400, 'invalid_request', 'invalid authorization header value format');
  if (!m || (m[1] as string).length % 4 === 1) throw invalid();
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw invalid();
  let id: string;
  let secret: string;
  try {
    id = formDecode(decoded.slice(0, colon));
    secret = formDecode(decoded.slice(colon + 1));
  } catch {
    throw new OAuthError(400, 'invalid_request', 'client_id and client_secret in the authorization header are not properly encoded');
  }
  if (!secret) throw new OAuthError(400, 'invalid_request', 'client_secret must be provided in the Authorization header');
  return { id, secret };
}

function formDecode(value: string): string {
  const text = decodeURIComponent(value.replace(/\+/g, '%20'));
  // VSCHAR (%x20-7E) only, as RFC 6749 Appendix A requires of client_id and client_secret.
  if (/[^\x20-\x7E]/.test(text)) throw new Error('invalid character found');
  return text;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
