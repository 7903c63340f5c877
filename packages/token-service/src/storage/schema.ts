import type { Kysely } from 'kysely';

/** Row of `ts_artifacts`: one oidc-provider artifact (token, code, session, grant, client...). */
export interface ArtifactRow {
  id_hash: string;
  model: string;
  grant_id: string | null;
  account_id: string | null;
  client_id: string | null;
  uid_hash: string | null;
  user_code_hash: string | null;
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
  created_at: string;
  /** A refresh token's `rt_` id, the one events name it by (see `opaqueTokenId`); null for other models. */
  token_id: string | null;
}

/** Row of `ts_revocations`: the ordered log the gateway fans out and resyncs from. */
export interface RevocationRow {
  seq: number;
  kind: string;
  value: string;
  revoked_at: string;
  expires_at: string | null;
  actor: string | null;
  reason: string | null;
}

/** Row of `ts_users`. */
export interface UserRow {
  id: string;
  login: string;
  /** The login lower-cased: unique, so logins differing only in case are one account. */
  login_key: string;
  password_hash: string;
  status: string;
  created_at: string;
}

/** Row of `ts_keys`: API keys, service-account tokens and canaries, hashed. */
export interface KeyRow {
  id: string;
  kind: string;
  secret_hash: string;
  display_prefix: string;
  subject: string;
  scopes: string;
  audience: string;
  created_at: string;
  not_before: string | null;
  expires_at: string | null;
  cidr_allowlist: string | null;
  canary: number;
  status: string;
  service_account_id: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  /** Set when a newer service-account token replaced this one; it keeps working until expires_at. */
  superseded_at: string | null;
}

/** Row of `ts_service_accounts`. */
export interface ServiceAccountRow {
  id: string;
  name: string;
  owner: string;
  scopes: string;
  token_lifetime_s: number;
  rotation_interval_s: number;
  overlap_s: number;
  next_rotation_at: string;
  status: string;
  created_at: string;
  /** Absolute path each new token is written to; null: no scheduled rotation (migration 0006). */
  deliver_to: string | null;
}

/** Row of `ts_lineage`: which credential created which entity. */
export interface LineageRow {
  entity_id: string;
  entity_kind: string;
  created_by_credential_id: string | null;
  created_at: string;
}

/** Row of `ts_signing_keys`. */
export interface SigningKeyRow {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk_sealed: string;
  created_at: string;
  activates_at: string;
  retires_at: string | null;
  expires_at: string | null;
}

/** Row of `ts_replay`: DPoP proof ids already seen. */
export interface ReplayRow {
  id_hash: string;
  expires_at: number;
}

/** Row of `ts_access_tokens`: one issued JWT access token, by `jti` (revocation by id). */
export interface IssuedAccessTokenRow {
  jti: string;
  client_id: string | null;
  account_id: string | null;
  grant_id: string | null;
  /** Epoch seconds. */
  expires_at: number;
  created_at: string;
}

/** Row of `ts_meta`: the service identity (issuer, default audience) shared with one-shot commands. */
export interface MetaRow {
  key: string;
  value: string;
}

/** The token service's tables, for typed Kysely queries. */
export interface TokenDb {
  ts_meta: MetaRow;
  ts_artifacts: ArtifactRow;
  ts_revocations: RevocationRow;
  ts_users: UserRow;
  ts_keys: KeyRow;
  ts_service_accounts: ServiceAccountRow;
  ts_lineage: LineageRow;
  ts_signing_keys: SigningKeyRow;
  ts_replay: ReplayRow;
  ts_access_tokens: IssuedAccessTokenRow;
}

/** Narrows the store's untyped Kysely handle to the token service's tables. */
export function typed(db: Kysely<unknown>): Kysely<TokenDb> {
  return db as unknown as Kysely<TokenDb>;
}
