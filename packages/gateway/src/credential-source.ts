import type { ResourceServerView } from '@tokenwarden/token-service';

// The records the gateway enforces are the token service's own types, not copies of them.
export type { IntrospectionResult, KeyRecord, RevocationEntry, RevocationKind } from '@tokenwarden/token-service';

/**
 * Everything the gateway needs from whoever issues credentials. It mirrors the token service's
 * `ResourceServerView`, so the real adapter is a thin wrapper, and tests can use a fake that issues
 * real EdDSA JWTs and `tw_` keys.
 *
 * @example
 * ```ts
 * const source: CredentialSource = fromResourceServerView(tokenService.view);
 * const record = await source.findKey('tw_k_...'); // already checksum-checked by the gateway
 * ```
 */
export type CredentialSource = Pick<
  ResourceServerView,
  'issuer' | 'defaultAudience' | 'jwks' | 'findKey' | 'introspect' | 'revocationsSince' | 'recordKeyUse'
> &
  // Optional: without it, canary JWTs and refresh tokens are refused like any unknown token, unreported.
  Partial<Pick<ResourceServerView, 'findCanary'>>;
