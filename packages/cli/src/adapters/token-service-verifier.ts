import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreConfig } from '@tokenwarden/config';
import { TokenWardenError } from '@tokenwarden/core';
import type { RawFinding, RevocationResult, Revoker, VerificationResult, Verifier } from '@tokenwarden/scanner';
import { createRepositories, type Migration, openDatabase } from '@tokenwarden/store';
import { allMigrations } from '../migrations.js';

// The slice of the token service the scanner needs. Declared here (not imported as types) so the
// scan command keeps working, with a clear error, while the token service's API evolves.
interface KeyLookup {
  status: string;
  id: string;
  kind: string;
}
interface TokenServiceSlice {
  view: {
    findKey(raw: string): Promise<KeyLookup | undefined>;
    introspect(token: string): Promise<{ active: boolean; token_type?: unknown; jti?: unknown; client_id?: unknown; sub?: unknown }>;
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

const STATUS: Record<string, VerificationResult['status']> = {
  active: 'live',
  suspended: 'live',
  revoked: 'revoked',
  expired: 'invalid',
  rotated: 'invalid',
};

/**
 * Opens the token service over the store in `dataDir` and returns a verifier (is this `tw_` token,
 * or this JWT access token carrying our issuer, issued by us, and in which state?) and a revoker
 * (revoke it, with the leak location as the reason: the token service writes it to the revocation
 * log, the key's record and, through the `audit` hook wired here, the hash-chained audit log).
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
  try {
    const database = await openDatabase({ store, dataDir, migrations });
    closeDb = () => database.close();
    const repos = createRepositories(database);
    ourIssuer = (await mod.readServiceIdentity?.(database))?.issuer ?? issuer;
    service = await mod.openTokenService({
      dataDir,
      store,
      issuer: ourIssuer,
      database,
      keyRefreshMs: 0,
      audit: (entry: Parameters<typeof repos.audit.append>[0]) => repos.audit.append(entry),
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
        return finding.details?.expired === true
          ? { status: 'invalid', detail: `expired at ${String(finding.details.exp)}` }
          : { status: 'invalid', detail: 'not active: revoked, or not signed by this token service' };
      }
      if (finding.rule !== 'tokenwarden-token') return { status: 'unknown', detail: 'not a TokenWarden token' };
      const record = await service.view.findKey(finding.secret);
      if (!record) return { status: 'invalid', detail: 'checksum valid but not issued by this TokenWarden store' };
      return { status: STATUS[record.status] ?? 'unknown', detail: `${record.kind} ${record.id} is ${record.status}` };
    },
  };
  const revoker: Revoker = {
    async revoke(finding: RawFinding, reason: string): Promise<RevocationResult> {
      const result = await service.admin.revoke(finding.secret, { actor: 'tokenwarden-scan', reason });
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
