import type { Provider } from 'oidc-provider';
import type { EventSink } from '../events.js';
import type { ServiceSecrets } from '../storage/sealing.js';
import { isMissingClientAuthentication } from './client-auth-errors.js';

interface TokenLike {
  jti?: string;
  kind?: string;
  grantId?: string;
  accountId?: string;
  clientId?: string;
  exp?: number;
  scope?: string;
  jkt?: string;
  cnf?: unknown;
  aud?: unknown;
}

interface ErrorLike {
  name?: string;
  error?: string;
  error_description?: string;
  /** The specific reason; oidc-provider keeps it out of the public error_description. */
  error_detail?: string;
}

interface CtxLike {
  oidc?: {
    client?: { clientId?: string };
    params?: Record<string, unknown>;
    entities?: { RefreshToken?: TokenLike; RotatedRefreshToken?: TokenLike; Client?: { clientId?: string } };
    route?: string;
  };
}

/**
 * A stable, non-secret id for an opaque token: the value itself is the bearer secret, so events
 * and logs carry a prefix of its keyed hash instead.
 *
 * @example
 * ```ts
 * opaqueTokenId(secrets, 'RefreshToken', value); // "rt_3kQ9..."
 * ```
 */
export function opaqueTokenId(secrets: ServiceSecrets, model: string, value: string): string {
  return `${model === 'RefreshToken' ? 'rt' : 'oat'}_${secrets.hash(`${model}:${value}`).slice(0, 22)}`;
}

/**
 * oidc-provider's `invalid_grant` details that are DPoP binding failures (RFC 9449 §5), with the
 * reason the `dpop.failure` event gives: no proof from a client that must send one, or a refresh
 * token bound to another key than the proof's (or presented with no proof at all).
 */
const DPOP_BINDING_FAILURES = new Map([
  ['DPoP proof JWT not provided', 'no DPoP proof from a client that must use DPoP'],
  ['failed jkt verification', 'refresh token presented without the DPoP key it is bound to'],
]);

const presentedRefreshToken = (ctx: CtxLike): string | undefined => {
  const value = ctx.oidc?.params?.refresh_token;
  return ctx.oidc?.params?.grant_type === 'refresh_token' && typeof value === 'string' && value.length > 0 ? value : undefined;
};

/**
 * Turns oidc-provider's events into lifecycle events: issued, rotated, refreshed, revoked,
 * client-authentication and DPoP failures (bad proofs, and missing or mismatched ones at the token
 * endpoint), expired refresh tokens presented, and refresh-token reuse (sequential reuse; concurrent
 * reuse is reported by the adapter's atomic consume).
 *
 * @example
 * ```ts
 * wireProviderEvents(provider, events, secrets);
 * ```
 */
export function wireProviderEvents(provider: Provider, events: EventSink, secrets: ServiceSecrets): void {
  const on = provider.on.bind(provider) as (name: string, fn: (...args: unknown[]) => void) => void;

  const accessIssued = (t: unknown): void => {
    const token = t as TokenLike;
    events.emit('token.issued', {
      credential_id: token.jti,
      credential_kind: 'access_token',
      principal: token.accountId ?? token.clientId,
      client_id: token.clientId,
      grant_id: token.grantId,
      details: { scope: token.scope, exp: token.exp, dpop_bound: Boolean(token.jkt || token.cnf) },
    });
  };
  on('access_token.issued', accessIssued);
  on('client_credentials.issued', accessIssued);

  on('refresh_token.saved', (t) => {
    const token = t as TokenLike;
    if (!token.jti) return;
    events.emit('token.issued', {
      credential_id: opaqueTokenId(secrets, 'RefreshToken', token.jti),
      credential_kind: 'refresh_token',
      principal: token.accountId,
      client_id: token.clientId,
      grant_id: token.grantId,
      details: { exp: token.exp, dpop_bound: Boolean(token.jkt) },
    });
  });

  on('refresh_token.consumed', (t) => {
    const token = t as TokenLike;
    if (!token.jti) return;
    events.emit('token.rotated', {
      credential_id: opaqueTokenId(secrets, 'RefreshToken', token.jti),
      credential_kind: 'refresh_token',
      principal: token.accountId,
      client_id: token.clientId,
      grant_id: token.grantId,
    });
  });

  on('grant.success', (c) => {
    const ctx = c as CtxLike;
    if (ctx.oidc?.params?.grant_type !== 'refresh_token') return;
    const rotated = ctx.oidc.entities?.RotatedRefreshToken;
    events.emit('token.refreshed', {
      client_id: ctx.oidc.client?.clientId,
      grant_id: rotated?.grantId,
      principal: rotated?.accountId,
      ...(rotated?.jti ? { parent_credential_id: opaqueTokenId(secrets, 'RefreshToken', rotated.jti) } : {}),
    });
  });

  on('grant.revoked', (_c, grantId) => {
    events.emit('token.revoked', { grant_id: String(grantId), reason: 'grant revoked' });
  });

  const onError = (c: unknown, e: unknown): void => {
    const ctx = c as CtxLike;
    const err = e as ErrorLike;
    const clientId =
      ctx.oidc?.client?.clientId ?? (typeof ctx.oidc?.params?.client_id === 'string' ? ctx.oidc.params.client_id : undefined);
    // A request naming no client is refused as invalid_client too (see clientAuthenticationErrors).
    if (err.error === 'invalid_client' || isMissingClientAuthentication(err)) {
      events.emit('client_auth.failure', {
        client_id: clientId,
        reason: err.error_detail ?? err.error_description ?? 'client authentication failed',
      });
    } else if (err.error === 'invalid_dpop_proof') {
      events.emit('dpop.failure', {
        client_id: clientId,
        reason: err.error_description ?? 'invalid DPoP proof',
        details: { route: ctx.oidc?.route },
      });
    } else if (err.error === 'invalid_grant' && err.error_detail !== undefined && DPOP_BINDING_FAILURES.has(err.error_detail)) {
      // A missing proof or one by another key than the token's: the grant error hides it from the client.
      const presented = presentedRefreshToken(ctx);
      events.emit('dpop.failure', {
        client_id: clientId,
        ...(presented ? { credential_id: opaqueTokenId(secrets, 'RefreshToken', presented), credential_kind: 'refresh_token' } : {}),
        reason: DPOP_BINDING_FAILURES.get(err.error_detail),
        details: { route: ctx.oidc?.route, grant_type: ctx.oidc?.params?.grant_type },
      });
    } else if (err.error === 'invalid_grant' && err.error_detail === 'refresh token is expired') {
      const presented = presentedRefreshToken(ctx);
      events.emit('token.expired', {
        client_id: clientId,
        ...(presented ? { credential_id: opaqueTokenId(secrets, 'RefreshToken', presented) } : {}),
        credential_kind: 'refresh_token',
        reason: 'expired refresh token presented (idle or absolute family lifetime over)',
      });
    } else if (err.error === 'invalid_grant' && err.error_detail === 'refresh token already used') {
      const rt = ctx.oidc?.entities?.RefreshToken;
      events.emit('refresh_token.reuse_detected', {
        credential_id: rt?.jti ? opaqueTokenId(secrets, 'RefreshToken', rt.jti) : undefined,
        credential_kind: 'refresh_token',
        client_id: clientId,
        grant_id: rt?.grantId,
        principal: rt?.accountId,
        reason: 'a consumed refresh token was presented again; the whole family was revoked',
      });
    }
  };
  on('grant.error', onError);
  on('introspection.error', onError);
  on('revocation.error', onError);
  on('pushed_authorization_request.error', onError);
  on('server_error', (_c, e) => {
    process.stderr.write(`token-service: server error: ${e instanceof Error ? e.message : String(e)}\n`);
  });
}
