import type { Migration } from '@tokenwarden/store';
import { sql } from 'kysely';

/**
 * Tables owned by the token service. Every opaque value (token, code, session id, client secret,
 * API key) is stored only as a keyed hash; payloads that may embed one are encrypted with a key
 * derived from the pepper, which lives outside the database.
 *
 * @example
 * ```ts
 * await openDatabase({ store, dataDir, migrations: [...otherMigrations, ...tokenServiceMigrations] });
 * ```
 */
export const tokenServiceMigrations: Migration[] = [
  {
    name: 'token-service-0001-oauth-artifacts',
    async up(db) {
      await db.schema
        .createTable('ts_artifacts')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('account_id', 'text')
        .addColumn('client_id', 'text')
        .addColumn('uid_hash', 'text')
        .addColumn('user_code_hash', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('consumed_at', 'bigint')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ts_artifacts_grant').on('ts_artifacts').column('grant_id').execute();
      await db.schema.createIndex('ts_artifacts_account').on('ts_artifacts').column('account_id').execute();
      await db.schema.createIndex('ts_artifacts_uid').on('ts_artifacts').column('uid_hash').execute();
      await db.schema
        .createTable('ts_replay')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ts_revocations')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('actor', 'text')
        .addColumn('reason', 'text')
        .execute();
      await db.schema.createIndex('ts_revocations_kind_value').on('ts_revocations').columns(['kind', 'value']).unique().execute();
    },
  },
  {
    name: 'token-service-0002-principals-and-keys',
    async up(db) {
      await db.schema
        .createTable('ts_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('login', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ts_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('display_prefix', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('audience', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('not_before', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('cidr_allowlist', 'text')
        .addColumn('canary', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('service_account_id', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('last_used_ip', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_reason', 'text')
        .addColumn('superseded_at', 'text')
        .execute();
      await db.schema.createIndex('ts_keys_subject').on('ts_keys').column('subject').execute();
      await db.schema.createIndex('ts_keys_service_account').on('ts_keys').column('service_account_id').execute();
      await db.schema
        .createTable('ts_service_accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('token_lifetime_s', 'integer', (c) => c.notNull())
        .addColumn('rotation_interval_s', 'integer', (c) => c.notNull())
        .addColumn('overlap_s', 'integer', (c) => c.notNull())
        .addColumn('next_rotation_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ts_lineage')
        .addColumn('entity_id', 'text', (c) => c.primaryKey())
        .addColumn('entity_kind', 'text', (c) => c.notNull())
        .addColumn('created_by_credential_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ts_lineage_creator').on('ts_lineage').column('created_by_credential_id').execute();
      await db.schema
        .createTable('ts_signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('activates_at', 'text', (c) => c.notNull())
        .addColumn('retires_at', 'text')
        .addColumn('expires_at', 'text')
        .execute();
    },
  },
  {
    name: 'token-service-0003-service-identity',
    async up(db) {
      await db.schema
        .createTable('ts_meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    // JWT access tokens are self-contained and oidc-provider stores none of them: record each
    // issued jti so a token can be revoked by the id alerts name it by (and an unknown id is not).
    name: 'token-service-0004-issued-access-tokens',
    async up(db) {
      await db.schema
        .createTable('ts_access_tokens')
        .addColumn('jti', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text')
        .addColumn('account_id', 'text')
        .addColumn('grant_id', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ts_access_tokens_expires').on('ts_access_tokens').column('expires_at').execute();
    },
  },
  {
    // Events, alerts and incidents name a refresh token by its `rt_` id (never its value): keep that
    // id on the token's row, indexed, so `revoke rt_...` finds the family without a scan. On the row,
    // it goes wherever the token goes (rotation keeps it, family revocation and the sweep delete it).
    name: 'token-service-0005-refresh-token-ids',
    async up(db) {
      await db.schema.alterTable('ts_artifacts').addColumn('token_id', 'text').execute();
      await db.schema.createIndex('ts_artifacts_token').on('ts_artifacts').column('token_id').execute();
      // Tokens saved before this migration: their `rt_` id is `rt_` + the first 22 characters of
      // the row key, both being the keyed hash of `RefreshToken:<value>` (see opaqueTokenId).
      await sql`update ts_artifacts set token_id = 'rt_' || substr(id_hash, 1, 22) where model = 'RefreshToken'`.execute(db);
    },
  },
  {
    // A scheduled rotation mints a token in `serve` that no one sees: it must be handed to the
    // account's owner, here by writing it to a file. Accounts without one rotate only by hand.
    name: 'token-service-0006-service-account-delivery',
    async up(db) {
      await db.schema.alterTable('ts_service_accounts').addColumn('deliver_to', 'text').execute();
    },
  },
  {
    // Logins are one account whatever their case: `Alice` beside `alice` is a look-alike an
    // attacker can create to stay in, and a person typing `Alice` at the sign-in form is `alice`.
    // `login_key` is the lower-cased login, unique. Duplicates made before this migration keep
    // their accounts: the oldest takes the key, each later one gets its key suffixed with its id
    // (so the index can be built) and still signs in by its exact login.
    name: 'token-service-0007-case-insensitive-logins',
    async up(db) {
      await db.schema.alterTable('ts_users').addColumn('login_key', 'text').execute();
      await sql`update ts_users set login_key = lower(login)`.execute(db);
      await sql`update ts_users set login_key = login_key || '#' || id where exists (
        select 1 from ts_users older where lower(older.login) = lower(ts_users.login)
          and (older.created_at < ts_users.created_at or (older.created_at = ts_users.created_at and older.id < ts_users.id)))`.execute(db);
      // Not `ts_users_login_key`: PostgreSQL already named the unique constraint on `login` so.
      await db.schema.createIndex('ts_users_by_login_key').on('ts_users').column('login_key').unique().execute();
    },
  },
];
