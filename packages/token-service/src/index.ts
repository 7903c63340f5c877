/**
 * The token service: an OAuth 2 / OIDC authorization server on oidc-provider (code + PKCE,
 * client credentials, DPoP, refresh rotation with atomic reuse detection, revocation,
 * introspection, RFC 9068 JWT access tokens with a default audience), plus our own API keys,
 * service-account tokens, canaries, sign-out everywhere and lineage. Every opaque secret is
 * stored only as a keyed hash under a pepper kept outside the database.
 *
 * @packageDocumentation
 */
import './errors.js';

export { hashPassword, verifyPassword } from './accounts/password-hash.js';
export type { CreateUserInput, UserView } from './accounts/users.js';
export type { ActorReason, AdminApi, RevokeResult, SignOutResult } from './admin.js';
export { type CreateApiKeyInput, DEFAULT_KEY_TTL_MS, findKeyByValue, type MintedKey } from './credentials/api-keys.js';
export type { Canary, CanaryFormat, CanaryHit } from './credentials/canaries.js';
export { cidrAllows, parseCidrList } from './credentials/cidr.js';
export type { KeyRecord, KeyStatus } from './credentials/key-record.js';
export type { CreateServiceAccountInput, ServiceAccountToken } from './credentials/service-accounts.js';
export { createEventSink, type EventSink, type EventSinkOptions, type RequestContext, requestContext } from './events.js';
export { boundPort, parseHostPort } from './http-server.js';
export type { CreateClientInput, CreatedClient } from './oauth/clients.js';
export { resolveTokenSettings, type TokenSettings, type TokenSettingsInput } from './oauth/settings.js';
export type { IntrospectionResult, ResourceServerView } from './resource-server-view.js';
export type { LineageEntry, LineageKind } from './storage/lineage.js';
export { tokenServiceMigrations } from './storage/migrations.js';
export type { RevocationEntry, RevocationKind } from './storage/revocation-log.js';
export { DEFAULT_ISSUER, readServiceIdentity, recordServiceIdentity, type ServiceIdentity } from './storage/service-identity.js';
export type { SigningKeyInfo } from './storage/signing-keys.js';
export { openTokenService, type TokenService, type TokenServiceOptions } from './token-service.js';
export {
  type AccessTokenClaims,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  type DpopPresentation,
} from './verify/access-token.js';
