import { createPublicKey, verify as cryptoVerify, type JsonWebKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BusConfig, StoreConfig } from '@tokenwarden/config';
import { type CredentialKind, type LifecycleEvent, newId, sha256Hex, TokenWardenError } from '@tokenwarden/core';
import type { RawFinding, RevocationResult, Revoker, VerificationResult, Verifier } from '@tokenwarden/scanner';
import { createRepositories, type Migration, openDatabase } from '@tokenwarden/store';
import { allMigrations } from '../migrations.js';

// The slice of the token service the scanner needs. Declared here (not imported as types) so the
// scan command keeps working, with a clear error, while the token service's API evolves.
interface KeyLookup {
  status: string;
  id: string;
  kind: string;
  subject?: string;
  /** A canary: bait whose use is what matters, never revoked (the intake leaves them live too). */
  canary?: boolean;
}
interface TokenServiceSlice {
  view: {
    findKey(raw: string): Promise<KeyLookup | undefined>;
    introspect(token: string): Promise<{ active: boolean; token_type?: unknown; jti?: unknown; client_id?: unknown; sub?: unknown }>;
    jwks(): Promise<{ keys: JsonWebKey[] }>;
    isAccessTokenRevoked(claims: Record<string, unknown>): Promise<boolean>;
  };
  admin: { revoke(idOrToken: string, why?: { actor?: string; reason?: string }): Promise<{ id: string; revoked: string }> };
  close(): Promise<void>;
}
interface TokenServiceModule {
  openTokenService(options: Record<string, unknown>): Promise<TokenServiceSlice>;
  tokenServiceMigrations?: readonly Migration[];
  /** The issuer `serve` recorded in the store, which our access tokens carry as `iss`. */
  readServiceIdentity?(database: unknown): Promise<{ issuer?: string; audience?: string }>;
}

// The token service's own lifecycle events (token.revoked) and ours (token.exposed) go where
// `serve` and `revoke` send them: the bus with NATS, else the shared store, where the worker
// polls them and the credential's history (its lineage view) reads them.
type Publish = (e: LifecycleEvent) => Promise<void>;

async function publisher(bus: BusConfig | undefined, store: (e: LifecycleEvent) => Promise<void>) {
  if (bus?.driver !== 'nats') return { publish: store, close: async () => {} };
  const { createBus } = await import('@tokenwarden/bus');
  const active = await createBus(bus);
  return { publish: (e: LifecycleEvent) => active.publish('lifecycle', e), close: () => active.close() };
}

/** A verifier and revoker of our own tokens backed by the token service store. */
export interface TokenServiceChecks {
  verifier: Verifier;
  revoker: Revoker;
  /** Whether a finding is one of our tokens: a `tw_` token, or a JWT whose `iss` is this token service. */
  isOurs(finding: RawFinding): boolean;
  close(): Promise<void>;
}

function unavailable(why: string, cause?: unknown): TokenWardenError {
  return new TokenWardenError('TW_SCAN_VERIFY_UNAVAILABLE', `cannot verify tw_ tokens against the token service: ${why}`, {
    hint: 'pass --data DIR pointing at the TokenWarden data directory (the one `tokenwarden` serves from)',
    ...(cause === undefined ? {} : { cause }),
  });
}

function isModule(m: unknown): m is TokenServiceModule {
  return m !== null && typeof m === 'object' && typeof (m as { openTokenService?: unknown }).openTokenService === 'function';
}

/**
 * The claims of a JWT whose EdDSA signature verifies under one of our published keys (by `kid`),
 * else undefined. Only the signature: expiry and revocation are judged by the caller.
 */
async function ourClaims(token: string, jwks: { keys: JsonWebKey[] }): Promise<Record<string, unknown> | undefined> {
  const [head, body, signature] = token.split('.');
  if (head === undefined || body === undefined || signature === undefined) return undefined;
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    if (header.alg !== 'EdDSA') return undefined;
    const jwk = jwks.keys.find((k) => (k as { kid?: unknown }).kid === header.kid && k.kty === 'OKP');
    if (!jwk) return undefined;
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    if (!cryptoVerify(null, Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'))) return undefined;
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const STATUS: Record<string, VerificationResult['status']> = {
  active: 'live',
  suspended: 'live',
  revoked: 'revoked',
  expired: 'invalid',
  rotated: 'invalid',
};

/**
 * Opens the token service over the store in `dataDir` and returns a verifier (is this `tw_` token,
 * or this JWT access token carrying our issuer, issued by us, and in which state? a canary is
 * `invalid`: it grants nothing) and a revoker (revoke it, with the leak location as the reason:
 * the token service writes it to the revocation log, the key's record, a `token.revoked` lifecycle
 * event and, through the `audit` hook wired here, the hash-chained audit log; the finding itself
 * becomes a `token.exposed` event and a `credential.exposed` audit entry, as the intake records a
 * reported token). Canaries are never revoked. Lifecycle events go to the bus with NATS (`bus`),
 * else to the store.
 *
 * @example
 * ```ts
 * const checks = await openTokenServiceChecks('./.tokenwarden', { driver: 'sqlite' });
 * await checks.verifier.verify(finding);
 * await checks.close();
 * ```
 */
export async function openTokenServiceChecks(
  dataDir: string,
  store: StoreConfig,
  issuer = 'http://127.0.0.1:8080',
  bus?: BusConfig,
): Promise<TokenServiceChecks> {
  let mod: unknown;
  try {
    mod = await import('@tokenwarden/token-service');
  } catch (e) {
    throw unavailable('the token service package cannot be loaded', e);
  }
  if (!isModule(mod)) throw unavailable('the token service package does not export openTokenService');
  // Opening the embedded store where there is none would create an empty one and call every
  // token of ours "not issued here": a wrong --data is an error, and a scan writes no new store.
  const sqliteFile = store.driver === 'sqlite' ? (store.file ?? join(dataDir, 'tokenwarden.db')) : undefined;
  if (sqliteFile !== undefined && !existsSync(sqliteFile)) throw unavailable(`no TokenWarden store at ${sqliteFile}`);
  const byName = new Map<string, Migration>();
  for (const m of [...allMigrations, ...(mod.tokenServiceMigrations ?? [])]) byName.set(m.name, m);
  const migrations = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  let service: TokenServiceSlice;
  let closeDb: () => Promise<void>;
  let ourIssuer = issuer;
  let publish: Publish;
  let appendAudit: (entry: Parameters<ReturnType<typeof createRepositories>['audit']['append']>[0]) => Promise<unknown>;
  try {
    const database = await openDatabase({ store, dataDir, migrations });
    const repos = createRepositories(database);
    const events = await publisher(bus, async (e) => {
      await repos.lifecycleEvents.insertMany([e]);
    });
    closeDb = async () => {
      await events.close();
      await database.close();
    };
    publish = events.publish;
    appendAudit = (entry) => repos.audit.append(entry);
    ourIssuer = (await mod.readServiceIdentity?.(database))?.issuer ?? issuer;
    service = await mod.openTokenService({
      dataDir,
      store,
      issuer: ourIssuer,
      database,
      keyRefreshMs: 0,
      publish,
      audit: appendAudit,
    });
  } catch (e) {
    if (e instanceof TokenWardenError) throw unavailable(`${e.code}: ${e.message}`, e);
    throw unavailable((e as Error).message, e);
  }
  const isOurJwt = (finding: RawFinding): boolean => finding.rule === 'jwt' && finding.details?.iss === ourIssuer;
  const verifier: Verifier = {
    async verify(finding: RawFinding): Promise<VerificationResult> {
      if (isOurJwt(finding)) {
        // Signature, audience, expiry and the revocation log, as every gateway judges it.
        const answer = await service.view.introspect(finding.secret);
        if (answer.active) return { status: 'live', detail: `access token ${String(answer.jti)} of ${String(answer.sub)} is active` };
        if (finding.details?.expired === true) return { status: 'invalid', detail: `expired at ${String(finding.details.exp)}` };
        // Signed by us and on the revocation log: `revoked`, as a revoked key is (a forged or
        // foreign token stays `invalid`).
        const claims = await ourClaims(finding.secret, await service.view.jwks());
        if (claims?.iss === ourIssuer && (await service.view.isAccessTokenRevoked(claims)))
          return { status: 'revoked', detail: `access token ${String(claims.jti)} of ${String(claims.sub)} is revoked` };
        return { status: 'invalid', detail: 'not active: not signed by this token service' };
      }
      if (finding.rule !== 'tokenwarden-token') return { status: 'unknown', detail: 'not a TokenWarden token' };
      const record = await service.view.findKey(finding.secret);
      if (!record) return { status: 'invalid', detail: 'checksum valid but not issued by this TokenWarden store' };
      // A canary grants nothing: it is bait whose use raises canary.used. Called live, --revoke
      // would disarm the tripwire (the intake never revokes one either).
      if (record.canary) return { status: 'invalid', detail: `canary ${record.id}: a tripwire that grants nothing, left live` };
      return { status: STATUS[record.status] ?? 'unknown', detail: `${record.kind} ${record.id} is ${record.status}` };
    },
  };
  const revoker: Revoker = {
    async revoke(finding: RawFinding, reason: string): Promise<RevocationResult> {
      const record = finding.rule === 'tokenwarden-token' ? await service.view.findKey(finding.secret) : undefined;
      if (record?.canary) return { revoked: false, detail: `canary ${record.id} left live (a tripwire)` };
      const result = await service.admin.revoke(finding.secret, { actor: 'tokenwarden-scan', reason });
      // The finding itself, as the intake records a reported one: token.exposed on the
      // credential's history and credential.exposed in the audit log (the revocation wrote
      // token.revoked and credential.revoke).
      const kind: CredentialKind = record ? (record.kind as CredentialKind) : 'access_token';
      const details = {
        file: finding.file,
        line: finding.line,
        rule: finding.rule,
        ...(finding.commit ? { commit: finding.commit } : {}),
        action: 'revoked',
        token_hash: sha256Hex(finding.secret),
      };
      await publish({
        id: newId('evt'),
        time: new Date().toISOString(),
        type: 'token.exposed',
        source_system: 'tokenwarden-scan',
        credential_id: result.id,
        credential_kind: kind,
        ...(record?.subject ? { principal: record.subject } : {}),
        reason,
        details,
      });
      await appendAudit({ actor: 'tokenwarden-scan', action: 'credential.exposed', target: result.id, reason, details });
      return { revoked: true, detail: `${result.revoked} ${result.id} revoked` };
    },
  };
  return {
    verifier,
    revoker,
    isOurs: (finding) => finding.rule === 'tokenwarden-token' || isOurJwt(finding),
    async close() {
      await service.close();
      await closeDb();
    },
  };
}
