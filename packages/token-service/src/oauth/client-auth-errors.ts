import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

/** oidc-provider's description of a request that names no client and presents no credentials. */
export const NO_CLIENT_AUTHENTICATION = 'no client authentication mechanism provided';

/** All a caller learns about a failed client authentication; the reason goes to the event only. */
export const CLIENT_AUTH_FAILED = 'client authentication failed';

/**
 * The provider's routes where the caller authenticates as a client (token, RFC 7009 revocation,
 * RFC 7662 introspection, RFC 9126 pushed authorization requests). Their errors are JSON
 * (RFC 6749 §5.2), whatever the request's Accept header says.
 */
export const CLIENT_AUTHENTICATED_ROUTES: ReadonlySet<string> = new Set([
  'token',
  'revocation',
  'introspection',
  'pushed_authorization_request',
]);

/**
 * True for the provider's answer to a request without any client authentication, which it
 * reports as `invalid_request`.
 *
 * @example
 * ```ts
 * isMissingClientAuthentication({ error: 'invalid_request', error_description: NO_CLIENT_AUTHENTICATION }); // true
 * ```
 */
export function isMissingClientAuthentication(answer: { error?: unknown; error_description?: unknown }): boolean {
  return answer.error === 'invalid_request' && answer.error_description === NO_CLIENT_AUTHENTICATION;
}

/**
 * The `WWW-Authenticate` challenge of a 401 `invalid_client` (RFC 6749 §5.2, RFC 9110 §11.6.1).
 *
 * @example
 * ```ts
 * res.setHeader('www-authenticate', basicChallenge('https://auth.example.com'));
 * ```
 */
export function basicChallenge(issuer: string): string {
  return `Basic realm="${issuer}", error="invalid_client", error_description="${CLIENT_AUTH_FAILED}"`;
}

type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<void>;

/**
 * Makes every client-authentication failure on the provider's client-authenticated routes one
 * answer: 401 `invalid_client`, "client authentication failed", with a `Basic` challenge.
 *
 * Why: oidc-provider answers a request with no client authentication at all 400 `invalid_request`
 * (RFC 6749 §5.2 says `invalid_client`), an expired secret 400 with a description saying so, and
 * sends the challenge only when the Authorization header was used, although a 401 without one
 * is not HTTP (RFC 9110 §15.5.2). Unknown clients and wrong secrets stay indistinguishable, and
 * the specific reason still reaches the `client_auth.failure` event (see `wireProviderEvents`),
 * which the provider emits before this runs.
 *
 * @example
 * ```ts
 * provider.use(clientAuthenticationErrors(settings.issuer));
 * ```
 */
export function clientAuthenticationErrors(issuer: string): Parameters<Provider['use']>[0] {
  const challenge = basicChallenge(issuer);
  const middleware: Middleware = async (ctx, next) => {
    await next();
    if (!CLIENT_AUTHENTICATED_ROUTES.has(ctx.oidc?.route ?? '')) return;
    const body = ctx.body as { error?: unknown; error_description?: unknown } | null | undefined;
    if (typeof body !== 'object' || body === null) return;
    if (body.error !== 'invalid_client' && !isMissingClientAuthentication(body)) return;
    ctx.status = 401;
    ctx.body = { error: 'invalid_client', error_description: CLIENT_AUTH_FAILED };
    ctx.set('www-authenticate', challenge);
  };
  return middleware as unknown as Parameters<Provider['use']>[0];
}
