import type { Server } from 'node:http';
import type { StoreConfig } from '@tokenwarden/config';
import type { AuditInput, LifecycleEvent } from '@tokenwarden/core';
import { type Database, type Migration, openDatabase } from '@tokenwarden/store';
import type { Adapter, Provider } from 'oidc-provider';
import { type AdminApi, createAdminApi } from './admin.js';
import { findCanary } from './credentials/canaries.js';
import { createEventSink, type EventSink } from './events.js';
import { startHttpServer } from './http-server.js';
import { createSecretScanningIntake, type SecretScanningIntakeOptions } from './intake/index.js';
import { accessTokenRevocation } from './oauth/access-token-revocation.js';
import { canaryTripwire } from './oauth/canary-tripwire.js';
import { createClientAuthenticator } from './oauth/client-authenticator.js';
import { createIntrospectionEndpoint } from './oauth/introspection-endpoint.js';
import { buildProvider } from './oauth/provider.js';
import { wireProviderEvents } from './oauth/provider-events.js';
import { resolveTokenSettings, type TokenSettings, type TokenSettingsInput } from './oauth/settings.js';
import { createResourceServerView, type ResourceServerView } from './resource-server-view.js';
import { IssuedAccessTokenLog } from './storage/issued-access-tokens.js';
import { tokenServiceMigrations } from './storage/migrations.js';
import { createOidcAdapter } from './storage/oidc-adapter.js';
import { createWatermarkReader } from './storage/revocation-watermark.js';
import { typed } from './storage/schema.js';
import { loadServiceSecrets, type ServiceSecrets } from './storage/sealing.js';
import { loadSigningKeys, type SigningKeySet } from './storage/signing-keys.js';

/** Options of {@link openTokenService}. */
export interface TokenServiceOptions {
  dataDir: string;
  store?: StoreConfig;
  issuer: string;
  /** Default audience (resource) of access tokens; default `<issuer>/api`. */
  audience?: string;
  publish?: (e: LifecycleEvent) => void | Promise<void>;
  audit?: (entry: AuditInput) => void | Promise<void>;
  /** An already-open store (the CLI opens it with every package's migrations). */
  database?: Database;
  /** Migrations to apply when the service opens the store itself; default: the token service's own. */
  migrations?: readonly Migration[];
  /** Further settings (lifetimes, extra audiences, DPoP nonce policy, key maximum). */
  settings?: Omit<TokenSettingsInput, 'issuer' | 'audience'>;
  /** How often to re-read signing keys (rotation by another process); default 30 s, 0 disables. */
  keyRefreshMs?: number;
  /** Secret-scanning intake (`POST /intake/secret-scanning`, GitHub partner format); see docs/intake.md. */
  intake?: SecretScanningIntakeOptions;
}

/** The token service: protocol engine, resource-server view, administration. */
export interface TokenService {
  readonly view: ResourceServerView;
  readonly admin: AdminApi;
  readonly settings: TokenSettings;
  /** Starts the HTTP endpoints on `host:port`. */
  listen(hostPort: string): Promise<Server>;
  /** The current oidc-provider instance (rebuilt when the signing keys change). */
  provider(): Provider;
  close(): Promise<void>;
}

/**
 * Opens the token service over the store in `dataDir` (or `options.database`).
 *
 * @example
 * ```ts
 * const service = await openTokenService({ dataDir: './.tokenwarden', issuer: 'http://127.0.0.1:8080' });
 * await service.listen('127.0.0.1:8080');
 * const { client_id, client_secret } = await service.admin.createClient({ name: 'worker', grantTypes: ['client_credentials'] });
 * ```
 */
export async function openTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const settings = resolveTokenSettings({
    ...options.settings,
    issuer: options.issuer,
    ...(options.audience ? { audience: options.audience } : {}),
  });
  const secrets: ServiceSecrets = loadServiceSecrets(options.dataDir);
  const intake = createSecretScanningIntake(options.dataDir, options.intake);
  const ownsDatabase = options.database === undefined;
  const database =
    options.database ??
    (await openDatabase({
      store: options.store ?? { driver: 'sqlite' },
      dataDir: options.dataDir,
      migrations: options.migrations ?? tokenServiceMigrations,
    }));
  const events: EventSink = createEventSink({
    ...(options.publish ? { publish: options.publish } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
  });

  let keys: SigningKeySet = await loadSigningKeys(database, secrets);
  const onReuse = (info: { model: string; grantId?: string; clientId?: string; accountId?: string }): void => {
    // Refresh-token reuse is reported once, from the provider's grant.error event (it carries the
    // token id); a reused authorization code is reported here.
    if (info.model === 'RefreshToken') return;
    events.emit('token.revoked', {
      grant_id: info.grantId,
      client_id: info.clientId,
      principal: info.accountId,
      reason: `${info.model} presented twice; grant revoked`,
    });
  };
  const marks = createWatermarkReader(typed(database.db), database.changeStamp?.bind(database));
  const issuedTokens = new IssuedAccessTokenLog(typed(database.db));
  const makeProvider = (): Provider => {
    const p = buildProvider({ database, secrets, settings, keys, onReuse, marks, issuedTokens });
    wireProviderEvents(p, events, secrets);
    // Requests arrive only once the service is up, after `view` and `admin` below exist.
    p.use(canaryTripwire({ reportCanaryUse: (value, context) => view.reportCanaryUse(value, context) }));
    p.use(
      accessTokenRevocation({
        introspect: (token) => view.introspect(token, { via: 'revocation' }),
        revoke: (token, why) => admin.revoke(token, why),
      }),
    );
    return p;
  };
  let provider = makeProvider();
  const clientAdapter: Adapter = new (createOidcAdapter({ database, secrets, onReuse }))('Client');

  const refreshKeys = async (): Promise<void> => {
    const next = await loadSigningKeys(database, secrets);
    if (next.version !== keys.version) {
      keys = next;
      provider = makeProvider();
    }
  };
  const keyRefreshMs = options.keyRefreshMs ?? 30_000;
  const timers: NodeJS.Timeout[] = [];
  if (keyRefreshMs > 0) {
    const t = setInterval(() => {
      refreshKeys().catch((e: unknown) => process.stderr.write(`token-service: key refresh failed: ${String(e)}\n`));
      sweepExpired(database, events).catch(() => {});
    }, keyRefreshMs);
    t.unref();
    timers.push(t);
  }

  const view = createResourceServerView({
    marks,
    database,
    secrets,
    events,
    issuer: settings.issuer,
    audience: settings.audience,
    audiences: [settings.audience, ...settings.extraAudiences],
    publicJwks: () => keys.publicJwks,
    provider: () => provider,
  });
  const admin = createAdminApi({
    database,
    secrets,
    events,
    settings,
    view,
    clientAdapter,
    provider: () => provider,
    refreshKeys,
    issuedTokens,
  });
  const introspection = createIntrospectionEndpoint({
    view,
    authenticator: createClientAuthenticator({ marks, secrets, clientAdapter }),
    events,
    issuer: settings.issuer,
  });
  const servers: Server[] = [];

  return {
    view,
    admin,
    settings,
    provider: () => provider,
    async listen(hostPort) {
      const server = await startHttpServer(() => provider, database, events, hostPort, introspection);
      intake?.mount(server, {
        admin,
        view,
        events,
        issuer: settings.issuer,
        provider: () => provider,
        findCanary: (value) => findCanary(database.db, secrets, value),
      });
      servers.push(server);
      return server;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      await events.flush();
      await issuedTokens.flush();
      if (ownsDatabase) await database.close();
    },
  };
}

/**
 * Deletes artifacts and replay entries past their expiry (the provider already refuses them), and
 * reports refresh-token families that ended by expiry (never used again) as `token.expired`.
 */
async function sweepExpired(database: Database, events: EventSink): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const db = typed(database.db);
  const ended = await db
    .selectFrom('ts_artifacts')
    .select(['grant_id', 'client_id', 'account_id'])
    .where('model', '=', 'RefreshToken')
    .where('consumed_at', 'is', null)
    .where('expires_at', '<', now - 86_400)
    .execute();
  for (const row of ended) {
    events.emit('token.expired', {
      credential_kind: 'refresh_token',
      ...(row.grant_id ? { grant_id: row.grant_id } : {}),
      ...(row.client_id ? { client_id: row.client_id } : {}),
      ...(row.account_id ? { principal: row.account_id } : {}),
    });
  }
  // A day of grace keeps expired refresh tokens findable, so a late replay still kills its family.
  await db
    .deleteFrom('ts_artifacts')
    .where('expires_at', '<', now - 86_400)
    .execute();
  await db.deleteFrom('ts_replay').where('expires_at', '<', now).execute();
}
