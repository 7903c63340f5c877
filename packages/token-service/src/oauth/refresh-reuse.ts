import { type KoaContextWithOIDC, Provider } from 'oidc-provider';

interface FoundRefreshToken {
  consumed?: unknown;
  clientId?: string;
  grantId?: string;
}

interface RefreshTokenModel {
  find(value: string, options?: { ignoreExpiration?: boolean }): Promise<FoundRefreshToken | undefined>;
  adapter: { reused?(id: string): Promise<never> };
}

/** oidc-provider keeps the request's context in an AsyncLocalStorage behind this static getter. */
const currentContext = (): KoaContextWithOIDC | undefined => (Provider as unknown as { ctx?: KoaContextWithOIDC }).ctx;

/**
 * Makes a consumed refresh token presented at the token endpoint end its family before any other
 * check (RFC 9700 §4.14.2), instead of after them as oidc-provider does.
 *
 * oidc-provider's refresh_token grant checks expiry, the DPoP requirement and the `jkt` binding
 * (RFC 9449 §5) before it looks at `consumed`. A thief holding an old refresh token of a public
 * client has no DPoP key, so every try was refused as `invalid_grant` with the family left alive
 * and no event: the very threat reuse detection exists for went unseen. Here the lookup of the
 * token itself ends the family when the token is consumed, whatever key, proof or expiry comes
 * with it (an expired one is kept a day for exactly this), reported once through the adapter (see
 * `reused` in `storage/oidc-adapter.ts`). Only the token endpoint's refresh grant and only the
 * client the token was issued to: revocation and introspection look tokens up too, and another
 * client cannot use the token anyway.
 *
 * @example
 * ```ts
 * const provider = new Provider(issuer, configuration);
 * detectRefreshReuseFirst(provider);
 * ```
 */
export function detectRefreshReuseFirst(provider: Provider): void {
  const model = provider.RefreshToken as unknown as RefreshTokenModel;
  const find = model.find.bind(model);
  model.find = async (value, options) => {
    const token = await find(value, options);
    if (!token?.consumed) return token;
    const ctx = currentContext();
    const oidc = ctx?.oidc;
    if (!ctx || oidc?.route !== 'token' || oidc.params?.grant_type !== 'refresh_token' || oidc.client?.clientId !== token.clientId) {
      return token;
    }
    const reused = model.adapter.reused;
    if (typeof reused !== 'function') return token;
    // The event wiring names the token from the context's entity.
    oidc.entity('RefreshToken', token as Parameters<typeof oidc.entity>[1]);
    try {
      return await reused.call(model.adapter, value);
    } catch (e) {
      if ((e as { error_detail?: string }).error_detail === 'refresh token already used' && token.grantId) {
        provider.emit('grant.revoked', ctx, token.grantId);
      }
      throw e;
    }
  };
}
