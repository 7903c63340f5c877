import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

/** What the revocation step needs from the token service. */
export interface AccessTokenRevocationDeps {
  /** RFC 7662 view of a token: active, and the client it was issued to. */
  introspect(token: string): Promise<{ active: boolean; client_id?: unknown; token_type?: unknown }>;
  /** Revoke one of our JWT access tokens (its `jti` joins the revocation log every gateway follows). */
  revoke(token: string, why: { actor: string; reason: string }): Promise<unknown>;
}

/** Introspection's `token_type` for our JWT access tokens (keys and refresh tokens have their own). */
const ACCESS_TOKEN_TYPES = new Set<unknown>(['DPoP', 'Bearer']);

type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<void>;

/**
 * RFC 7009 revocation of our JWT access tokens, added to oidc-provider's revocation endpoint.
 *
 * The provider answers a structured (JWT) token with `unsupported_token_type`, which RFC 7009 §2.2.1
 * allows, so a client signing its user out could end the refresh token but not the access token it
 * holds, and that token kept working at every gateway until it expired. Our gateways check a
 * revocation log by `jti`, so the token can be revoked like any other. This runs after the
 * provider's own revocation step, which has parsed the request and authenticated the client: only
 * a request it answered `unsupported_token_type` is taken over. Like the provider with opaque
 * tokens, a token that is not live, not ours or issued to another client is answered 200 and left
 * alone (RFC 7009 §2.2: the client cannot tell, and learns nothing about other clients' tokens).
 *
 * @example
 * ```ts
 * provider.use(accessTokenRevocation({ introspect: (t) => view.introspect(t), revoke: (t, why) => admin.revoke(t, why) }));
 * ```
 */
export function accessTokenRevocation(deps: AccessTokenRevocationDeps): Parameters<Provider['use']>[0] {
  const middleware: Middleware = async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'revocation' || ctx.status !== 400) return;
    const body = ctx.body as { error?: unknown } | undefined;
    const client = ctx.oidc.client;
    const token = ctx.oidc.params?.token;
    if (body?.error !== 'unsupported_token_type' || client === undefined || typeof token !== 'string') return;
    const answer = await deps.introspect(token);
    if (answer.active && ACCESS_TOKEN_TYPES.has(answer.token_type) && answer.client_id === client.clientId) {
      await deps.revoke(token, { actor: `client:${client.clientId}`, reason: 'revocation request (RFC 7009)' });
    }
    ctx.status = 200;
    ctx.body = '';
  };
  return middleware as unknown as Parameters<Provider['use']>[0];
}
