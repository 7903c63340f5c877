import Type from 'typebox';
import { Timestamp } from './common.js';

/** Every kind of credential the mission names, including ones only seen in third-party logs. */
export const CredentialKind = Type.Union([
  Type.Literal('access_token'),
  Type.Literal('refresh_token'),
  Type.Literal('api_key'),
  Type.Literal('service_account_token'),
  Type.Literal('client_secret'),
  Type.Literal('cloud_access_key'),
  Type.Literal('saas_session'),
  Type.Literal('unknown'),
]);
export type CredentialKind = Type.Static<typeof CredentialKind>;

/** Lifecycle status of a credential. `suspended` is reversible; `revoked` is not. */
export const CredentialStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('revoked'),
  Type.Literal('expired'),
  Type.Literal('suspended'),
  Type.Literal('rotated'),
]);
export type CredentialStatus = Type.Static<typeof CredentialStatus>;

/**
 * A credential: never the secret itself, only its id, a keyed hash and a display prefix.
 * `created_by_credential_id` records lineage, so that response can find everything a stolen
 * token created.
 */
export const Credential = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'stable id (never the secret)' }),
    kind: CredentialKind,
    status: CredentialStatus,
    principal_id: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    grant_id: Type.Optional(Type.String({ description: 'refresh-token family / OAuth grant' })),
    scopes: Type.Array(Type.String()),
    audience: Type.Array(Type.String()),
    created_at: Timestamp,
    expires_at: Type.Optional(Timestamp),
    revoked_at: Type.Optional(Timestamp),
    revoked_reason: Type.Optional(Type.String()),
    last_used_at: Type.Optional(Timestamp),
    last_used_ip: Type.Optional(Type.String()),
    cidr_allowlist: Type.Optional(Type.Array(Type.String())),
    secret_hash: Type.Optional(Type.String({ description: 'HMAC-SHA-256 of the secret under a pepper kept outside the store' })),
    display_prefix: Type.Optional(Type.String({ description: 'first characters, safe to show' })),
    canary: Type.Boolean({ description: 'true for decoy credentials that grant nothing' }),
    created_by_credential_id: Type.Optional(Type.String({ description: 'lineage: the credential that created this one' })),
    source_system: Type.String(),
    external_id: Type.Optional(Type.String({ description: 'id in a third-party system, e.g. an AWS access key id' })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Credential', additionalProperties: false, title: 'Credential' },
);
export type Credential = Type.Static<typeof Credential>;
