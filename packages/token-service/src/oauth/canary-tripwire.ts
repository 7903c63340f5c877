import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

/** What the tripwire needs: the view's canary report (a keyed-hash lookup, then a `canary.used` event). */
export interface CanaryTripwireDeps {
  reportCanaryUse(value: string, context: Record<string, unknown>): Promise<boolean>;
}

type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<void>;

/** Longest value looked up; ours are far shorter, and longer input is not worth a hash. */
const MAX_VALUE_LENGTH = 8192;

const looksLikeJwt = (value: string): boolean => value.split('.').length === 3;

/**
 * Reports a canary refresh token presented at the token endpoint (refresh grant) or the
 * revocation endpoint (RFC 7009) as `canary.used`, with the request's address and user agent.
 *
 * A canary refresh token is in no store the provider reads, so the provider answers
 * `invalid_grant` (or a quiet 200 at revocation) like for any unknown value, and the use, which
 * is exactly what a thief who found the canary does with it, went unreported. Runs after the
 * provider has answered, and only for a refused refresh or an answered revocation, so a working
 * refresh costs nothing more. A JWT at the revocation endpoint is left to `accessTokenRevocation`,
 * which reports canaries through introspection with `via: 'revocation'`.
 *
 * @example
 * ```ts
 * provider.use(canaryTripwire({ reportCanaryUse: (value, context) => view.reportCanaryUse(value, context) }));
 * ```
 */
export function canaryTripwire(deps: CanaryTripwireDeps): Parameters<Provider['use']>[0] {
  const middleware: Middleware = async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    const params = ctx.oidc?.params;
    let value: unknown;
    let via: string | undefined;
    if (route === 'token' && params?.grant_type === 'refresh_token' && ctx.status >= 400) {
      value = params.refresh_token;
      via = 'token_endpoint';
    } else if (route === 'revocation' && ctx.status === 200) {
      value = params?.token;
      via = 'revocation';
    }
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH || via === undefined) return;
    if (via === 'revocation' && looksLikeJwt(value)) return;
    await deps.reportCanaryUse(value, { via, client_id: ctx.oidc?.client?.clientId });
  };
  return middleware as unknown as Parameters<Provider['use']>[0];
}
