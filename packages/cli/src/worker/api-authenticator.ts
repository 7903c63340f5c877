import type { ApiAuthenticator } from '@tokenwarden/response';
import type { ResourceServerView } from '@tokenwarden/token-service';

/**
 * Authenticates response-API callers through the token service's resource-server view, the same
 * view the gateway verifies with: `tw_` API keys and service-account tokens by keyed-hash lookup,
 * JWT access tokens by signature and revocation state. Each call reads the shared store, so a
 * credential revoked by another process is refused at once. Refresh tokens are not bearer
 * credentials, and DPoP-bound tokens are refused because this API does not check proofs.
 *
 * @example
 * ```ts
 * const authenticate = tokenServiceAuthenticator(service.view);
 * const caller = await authenticate('tw_k_...'); // { subject: 'oncall', credentialId: 'key_...', scopes: [...] }
 * ```
 */
export function tokenServiceAuthenticator(view: Pick<ResourceServerView, 'introspect'>): ApiAuthenticator {
  return async (token) => {
    const r = await view.introspect(token);
    if (!r.active || r.token_type === 'refresh_token' || r.cnf !== undefined) return undefined;
    const subject = typeof r.sub === 'string' && r.sub.length > 0 ? r.sub : undefined;
    const credentialId = typeof r.key_id === 'string' ? r.key_id : typeof r.jti === 'string' ? r.jti : undefined;
    if (!subject || !credentialId) return undefined;
    const scopes = typeof r.scope === 'string' ? r.scope.split(' ').filter(Boolean) : [];
    return { subject, credentialId, scopes };
  };
}
