import { NotFoundError, parseTwToken, TokenWardenError } from '@tokenwarden/core';
import type { Database } from '@tokenwarden/store';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Adapter, Provider } from 'oidc-provider';
import { type CreateUserInput, createUser, findUser, setUserStatus, type UserView } from './accounts/users.js';
import {
  activeKeyIdsOf,
  type CreateApiKeyInput,
  createApiKey,
  findKeyById,
  type MintedKey,
  revokeKey,
  setKeySuspended,
} from './credentials/api-keys.js';
import { type Canary, type CanaryFormat, createCanary } from './credentials/canaries.js';
import { DEFAULT_AUDIENCE_MARK, withDefaultAudience } from './credentials/key-record.js';
import {
  type CreateServiceAccountInput,
  createServiceAccount,
  rotateDue,
  rotateServiceAccount,
  type ServiceAccountToken,
} from './credentials/service-accounts.js';
import type { EventSink, LifecycleFields } from './events.js';
import { type CreateClientInput, type CreatedClient, createClient } from './oauth/clients.js';
import { opaqueTokenId } from './oauth/provider-events.js';
import type { TokenSettings } from './oauth/settings.js';
import type { ResourceServerView } from './resource-server-view.js';
import { findRefreshFamily, MAX_ACCESS_TOKEN_TTL_S, revokeAccount, revokeGrantIn } from './storage/grant-store.js';
import { findIssuedAccessToken, type IssuedAccessTokenLog } from './storage/issued-access-tokens.js';
import { creatorOf, type LineageEntry, lineageOf } from './storage/lineage.js';
import { appendRevocation } from './storage/revocation-log.js';
import { typed } from './storage/schema.js';
import type { ServiceSecrets } from './storage/sealing.js';
import { listSigningKeys, rotateSigningKey, type SigningKeyInfo } from './storage/signing-keys.js';

/** Who performs an administrative action, and why (recorded in events and the audit log). */
export interface ActorReason {
  actor?: string;
  reason?: string;
}

/** What `revoke` found and revoked. */
export interface RevokeResult {
  revoked: 'api_key' | 'service_account_token' | 'client' | 'refresh_token_family' | 'access_token';
  id: string;
}

/** What `signOut` revoked. */
export interface SignOutResult {
  subject: string;
  grants_revoked: number;
  keys_revoked: number;
}

/** Administrative operations (CLI, response automation). */
export interface AdminApi {
  createClient(input: CreateClientInput): Promise<CreatedClient>;
  createUser(input: CreateUserInput): Promise<UserView>;
  createApiKey(input: CreateApiKeyInput): Promise<MintedKey>;
  createServiceAccount(input: Omit<CreateServiceAccountInput, 'audience'> & { audience?: string[] }): Promise<ServiceAccountToken>;
  rotateServiceAccount(idOrName: string): Promise<ServiceAccountToken>;
  /**
   * Rotates every service account whose schedule is due and that has a delivery file (a token no
   * one receives would lock its owner out); an account that fails goes to `onFailure` and is
   * retried at the next call.
   */
  rotateDue(now?: Date, onFailure?: (serviceAccountId: string, error: unknown) => void): Promise<ServiceAccountToken[]>;
  createCanary(input: { format: CanaryFormat; label: string; createdByCredentialId?: string }): Promise<Canary>;
  /**
   * Revokes by id (key, client, a refresh token's `rt_` id: whole family, an issued access token's
   * jti) or by raw value (key, refresh token: whole family, JWT access token).
   */
  revoke(idOrToken: string, why?: ActorReason): Promise<RevokeResult>;
  /** Sign out everywhere: every grant, session and refresh token of a user (and optionally API keys). */
  signOut(subject: string, options?: ActorReason & { includeApiKeys?: boolean }): Promise<SignOutResult>;
  suspend(credentialId: string, why?: ActorReason): Promise<boolean>;
  reinstate(credentialId: string, why?: ActorReason): Promise<boolean>;
  /** The user with this id (`usr_...`) or login, if there is one (an API key's subject often is none). */
  findUser(idOrLogin: string): Promise<UserView | undefined>;
  lineage(credentialId: string): Promise<LineageEntry[]>;
  /** The credential that created this entity (key, user, client...), if one did. */
  creatorOf(entityId: string): Promise<string | undefined>;
  /** Schedules a signing-key rotation (new key published now, signs after the lead time). */
  rotateSigningKey(publishLeadMs?: number): Promise<string>;
  /** The published signing keys and their schedule (no key material). */
  signingKeys(): Promise<SigningKeyInfo[]>;
}

/** Internals the admin API is built from. */
export interface AdminDeps {
  database: Database;
  secrets: ServiceSecrets;
  events: EventSink;
  settings: TokenSettings;
  view: ResourceServerView;
  clientAdapter: Adapter;
  provider: () => Provider;
  refreshKeys: () => Promise<void>;
  /** The service's batched record of issued jtis (pending ones are found too); without it, the store alone. */
  issuedTokens?: IssuedAccessTokenLog;
}

/**
 * Builds the administrative API. Every mutation is one store transaction, emits a lifecycle
 * event and an audit entry, and is safe while `serve` runs in another process.
 *
 * @example
 * ```ts
 * const admin = createAdminApi(deps);
 * await admin.revoke('key_01H...', { actor: 'alice', reason: 'pasted in chat' });
 * ```
 */
export function createAdminApi(deps: AdminDeps): AdminApi {
  const { database, secrets, events, settings } = deps;
  const audit = (action: string, target: string, why: ActorReason = {}, details?: Record<string, unknown>): void =>
    events.audit({
      actor: why.actor ?? 'cli',
      action,
      target,
      ...(why.reason ? { reason: why.reason } : {}),
      ...(details ? { details } : {}),
    });

  const admin: AdminApi = {
    async createClient(input) {
      const created = await createClient(database, secrets, deps.clientAdapter, input);
      audit('client.create', created.client_id, { actor: input.createdByCredentialId ?? 'cli' }, { name: input.name });
      return created;
    },
    async createUser(input) {
      const user = await createUser(database, input);
      audit('user.create', user.id, { actor: input.createdByCredentialId ?? 'cli' }, { login: user.login });
      return user;
    },
    async createApiKey(input) {
      const minted = await createApiKey(database, secrets, input, { defaultAudience: settings.audience, maxTtlMs: settings.maxKeyTtlMs });
      events.emit('token.issued', {
        credential_id: minted.id,
        credential_kind: 'api_key',
        principal: input.subject,
        ...(input.createdByCredentialId ? { parent_credential_id: input.createdByCredentialId } : {}),
        details: { scopes: minted.record.scopes, expires_at: minted.record.expires_at },
      });
      audit('api_key.create', minted.id, { actor: input.createdByCredentialId ?? 'cli' }, { subject: input.subject });
      return minted;
    },
    async createServiceAccount(input) {
      const stored = await createServiceAccount(database, secrets, { ...input, audience: input.audience ?? [DEFAULT_AUDIENCE_MARK] });
      const minted = { ...stored, record: withDefaultAudience(stored.record, settings.audience) };
      events.emit('token.issued', { credential_id: minted.id, credential_kind: 'service_account_token', principal: input.name });
      audit('service_account.create', minted.service_account_id, { actor: input.createdByCredentialId ?? 'cli' }, { name: input.name });
      return minted;
    },
    async rotateServiceAccount(idOrName) {
      const rotated = await rotateServiceAccount(database, secrets, idOrName);
      const minted = { ...rotated, record: withDefaultAudience(rotated.record, settings.audience) };
      events.emit('token.rotated', {
        credential_id: minted.id,
        credential_kind: 'service_account_token',
        principal: minted.record.subject,
      });
      audit('service_account.rotate', minted.service_account_id);
      return minted;
    },
    async rotateDue(now, onFailure) {
      const rotated = await rotateDue(database, secrets, now, onFailure);
      for (const m of rotated) {
        events.emit('token.rotated', { credential_id: m.id, credential_kind: 'service_account_token', principal: m.record.subject });
      }
      return rotated;
    },
    async createCanary(input) {
      const canary = await createCanary(database, secrets, input, { issuer: settings.issuer, audience: settings.audience });
      audit('canary.create', canary.id, {}, { format: canary.format, label: input.label });
      return canary;
    },

    async revoke(idOrToken, why = {}) {
      const value = idOrToken.trim();
      const result = await revokeValue(deps, value, why);
      events.emit('token.revoked', {
        credential_id: result.id,
        credential_kind:
          result.revoked === 'refresh_token_family' ? 'refresh_token' : result.revoked === 'client' ? 'client_secret' : result.revoked,
        ...(why.reason ? { reason: why.reason } : {}),
        details: { revoked: result.revoked, actor: why.actor ?? 'cli' },
      });
      audit('credential.revoke', result.id, why, { kind: result.revoked });
      return result;
    },

    async signOut(subject, options = {}) {
      const user = await findUser(database, subject);
      let grants: string[] = [];
      if (user) grants = await revokeAccount(database, user.id, options);
      let keys = 0;
      if (options.includeApiKeys) {
        for (const id of await activeKeyIdsOf(database.db, user ? [user.id, user.login] : [subject])) {
          if (await revokeKey(database, id, options)) keys++;
        }
      }
      if (!user && keys === 0) {
        throw new NotFoundError('subject', subject, {
          hint: 'pass a login name or user id (usr_...), or --include-keys for a key subject',
        });
      }
      events.emit('subject.signed_out', {
        principal: user?.id ?? subject,
        ...(options.reason ? { reason: options.reason } : {}),
        details: { grants_revoked: grants.length, keys_revoked: keys },
      });
      audit('subject.sign_out', user?.id ?? subject, options, { grants_revoked: grants.length, keys_revoked: keys });
      return { subject: user?.id ?? subject, grants_revoked: grants.length, keys_revoked: keys };
    },

    async suspend(credentialId, why = {}) {
      let ok: boolean;
      if (credentialId.startsWith('usr_')) {
        ok = await setUserStatus(database, credentialId, 'suspended');
        // A suspended user keeps no live session or refresh token.
        if (ok) await revokeAccount(database, credentialId, why);
      } else {
        ok = await setKeySuspended(database, credentialId, true, why);
      }
      if (ok) {
        events.emit('token.suspended', statusEvent(credentialId, why));
        audit('credential.suspend', credentialId, why);
      }
      return ok;
    },
    async reinstate(credentialId, why = {}) {
      const ok = credentialId.startsWith('usr_')
        ? await setUserStatus(database, credentialId, 'active')
        : await setKeySuspended(database, credentialId, false, why);
      if (ok) {
        events.emit('token.reinstated', statusEvent(credentialId, why));
        audit('credential.reinstate', credentialId, why);
      }
      return ok;
    },
    findUser: (idOrLogin) => findUser(database, idOrLogin),
    lineage: (credentialId) => lineageOf(database.db, credentialId),
    creatorOf: (entityId) => creatorOf(database.db, entityId),
    async rotateSigningKey(publishLeadMs) {
      const kid = await rotateSigningKey(database, secrets, publishLeadMs === undefined ? {} : { publishLeadMs });
      await deps.refreshKeys();
      audit('signing_key.rotate', kid);
      return kid;
    },
    signingKeys: () => listSigningKeys(database),
  };
  return admin;
}

/** A suspension or reinstatement event: a user is its `principal`, a key its `credential_id`. */
function statusEvent(id: string, why: ActorReason): LifecycleFields {
  return {
    ...(id.startsWith('usr_') ? { principal: id } : { credential_id: id }),
    ...(why.reason ? { reason: why.reason } : {}),
    details: { actor: why.actor ?? 'cli' },
  };
}

async function revokeValue(deps: AdminDeps, value: string, why: ActorReason): Promise<RevokeResult> {
  const { database, secrets } = deps;
  if (/^(key|sat|can)_[0-9A-Z]{26}$/.test(value)) {
    const record = await findKeyById(database.db, value);
    if (!record || !(await revokeKey(database, value, why)))
      throw new NotFoundError('key', value, {
        hint: 'check the id (as printed by `keys create`) and that --data points at the store that issued it',
      });
    return { revoked: record.kind, id: value };
  }
  if (/^cl_[0-9A-Z]{26}$/.test(value)) return { revoked: 'client', id: await revokeClient(deps, value, why) };
  if (value.startsWith('tw_')) {
    if (!parseTwToken(value)) {
      throw new TokenWardenError('TW_TOKEN_FORMAT', 'not a valid TokenWarden token (format or checksum)', { hint: 'check for a typo' });
    }
    const record = await deps.view.findKey(value);
    if (!record)
      throw new NotFoundError('key', `${value.slice(0, 9)}…`, {
        hint: 'the key has a valid format but is not in this store: check --data points at the store that issued it',
      });
    await revokeKey(database, record.id, why);
    return { revoked: record.kind, id: record.id };
  }
  if (value.split('.').length === 3) return { revoked: 'access_token', id: await revokeJwt(deps, value, why) };
  if (REFRESH_TOKEN_ID.test(value)) return { revoked: 'refresh_token_family', id: await revokeRefreshFamilyById(deps, value, why) };
  const refresh = await deps.provider().RefreshToken.find(value, { ignoreExpiration: true });
  if (refresh?.grantId) {
    const grantId = refresh.grantId;
    await database.transaction((trx) => revokeGrantIn(typed(trx), grantId, why));
    return { revoked: 'refresh_token_family', id: opaqueTokenId(secrets, 'RefreshToken', value) };
  }
  // An access token's id (its jti: what alerts and incidents name it by). JWTs are stored nowhere,
  // so only a jti this service recorded at issuance is accepted; a made-up id stays unknown.
  const issued = deps.issuedTokens ? await deps.issuedTokens.find(value) : await findIssuedAccessToken(typed(database.db), value);
  if (issued) return { revoked: 'access_token', id: await revokeJti(deps, issued.jti, issued.expiresAt, why) };
  // A canary refresh token is in no store the provider reads: pasting one here is a use of it.
  if (await deps.view.reportCanaryUse(value, { via: 'revoke' })) {
    throw new TokenWardenError('TW_TOKEN_INVALID', 'that token is a canary; its use was reported', {
      hint: 'canaries grant nothing and stay live as bait',
    });
  }
  throw new NotFoundError('credential', value.length > 12 ? `${value.slice(0, 6)}…` : value, {
    hint: 'pass an id printed by `keys create`/`clients create`, an access token id (jti) or refresh token id (rt_...) issued by this service, or a raw key, refresh token or access token',
  });
}

/** A refresh token's id as events, alerts and incidents carry it (`opaqueTokenId`): never a token value. */
const REFRESH_TOKEN_ID = /^rt_[A-Za-z0-9_-]{22}$/;

/**
 * Revokes the family of the refresh token named by its `rt_` id, as revoking the token's value
 * does. The value is stored nowhere, so the id is looked up on the token's row (indexed).
 */
async function revokeRefreshFamilyById(deps: AdminDeps, tokenId: string, why: ActorReason): Promise<string> {
  const revoked = await deps.database.transaction(async (raw) => {
    const trx = typed(raw);
    const grantId = await findRefreshFamily(trx, tokenId);
    if (grantId) await revokeGrantIn(trx, grantId, why);
    return grantId !== undefined;
  });
  if (!revoked) {
    throw new NotFoundError('refresh token', tokenId, {
      hint: 'an rt_ id names a refresh token until it expires or its family is revoked; check --data points at the store that issued it',
    });
  }
  return tokenId;
}

async function revokeClient(deps: AdminDeps, clientId: string, why: ActorReason): Promise<string> {
  const existing = await deps.clientAdapter.find(clientId);
  if (!existing) throw new NotFoundError('client', clientId);
  await deps.database.transaction(async (raw) => {
    const trx = typed(raw);
    const grants = await trx
      .selectFrom('ts_artifacts')
      .select('grant_id')
      .distinct()
      .where('client_id', '=', clientId)
      .where('grant_id', 'is not', null)
      .execute();
    for (const g of grants) await revokeGrantIn(trx, g.grant_id as string, why);
    await trx.deleteFrom('ts_artifacts').where('client_id', '=', clientId).execute();
    await appendRevocation(trx, { kind: 'client', value: clientId, ...why });
  });
  return clientId;
}

async function revokeJwt(deps: AdminDeps, token: string, why: ActorReason): Promise<string> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw new TokenWardenError('TW_INPUT_MALFORMED', 'the value looks like a JWT but does not decode', { hint: 'paste the whole token' });
  }
  // Only our own tokens can be revoked: the signature must verify under our published keys.
  const jwks = await deps.view.jwks();
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  try {
    await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      issuer: deps.settings.issuer,
      currentDate: new Date(((claims.iat ?? 0) + 1) * 1000),
    });
  } catch {
    const canary = await deps.view.reportCanaryUse(token, { via: 'revoke' });
    throw new TokenWardenError(
      'TW_TOKEN_INVALID',
      canary ? 'that token is a canary; its use was reported' : 'the JWT was not issued by this token service',
      {
        hint: 'check --data points at the issuing service',
      },
    );
  }
  if (typeof claims.jti !== 'string') throw new TokenWardenError('TW_TOKEN_INVALID', 'the access token has no jti', {});
  return revokeJti(deps, claims.jti, claims.exp ?? Math.floor(Date.now() / 1000) + MAX_ACCESS_TOKEN_TTL_S, why);
}

/**
 * Puts an access token's jti on the revocation log (every gateway and introspection check it),
 * kept until a minute past the token's own expiry (`exp`, epoch seconds). Idempotent.
 */
async function revokeJti(deps: AdminDeps, jti: string, exp: number, why: ActorReason): Promise<string> {
  const expiresAt = new Date((exp + 60) * 1000);
  await deps.database.transaction((trx) => appendRevocation(typed(trx), { kind: 'jti', value: jti, expiresAt, ...why }));
  return jti;
}
