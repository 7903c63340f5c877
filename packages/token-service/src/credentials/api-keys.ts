import { generateTwToken, newId, parseTwToken, TokenWardenError, type TwTokenLetter } from '@tokenwarden/core';
import type { Database } from '@tokenwarden/store';
import type { Kysely } from 'kysely';
import { type LineageKind, recordLineage } from '../storage/lineage.js';
import { appendRevocation } from '../storage/revocation-log.js';
import { type KeyRow, type TokenDb, typed } from '../storage/schema.js';
import type { ServiceSecrets } from '../storage/sealing.js';
import { parseCidrList } from './cidr.js';
import { DEFAULT_AUDIENCE_MARK, type KeyRecord, toKeyRecord, withDefaultAudience } from './key-record.js';

/** Default API key lifetime: 90 days. */
export const DEFAULT_KEY_TTL_MS = 90 * 86_400_000;

/** Input of {@link insertKey}. */
export interface NewKeyInput {
  letter: Extract<TwTokenLetter, 'k' | 's'>;
  subject: string;
  scopes: string[];
  audience: string[];
  ttlMs: number;
  cidr?: string[];
  canary?: boolean;
  serviceAccountId?: string;
  createdByCredentialId?: string;
  now?: Date;
}

/** A freshly minted key: the raw value is returned here once and never stored. */
export interface MintedKey {
  id: string;
  key: string;
  record: KeyRecord;
}

/**
 * Mints a `tw_k_`/`tw_s_` secret and stores only its keyed hash, inside the caller's transaction.
 *
 * @example
 * ```ts
 * const { id, key } = await database.transaction((trx) => insertKey(typed(trx), secrets, input));
 * ```
 */
export async function insertKey(trx: Kysely<TokenDb>, secrets: ServiceSecrets, input: NewKeyInput): Promise<MintedKey> {
  const now = input.now ?? new Date();
  const key = generateTwToken(input.letter);
  const row: KeyRow = {
    id: newId(input.letter === 's' ? 'sat' : 'key'),
    kind: input.letter === 's' ? 'service_account_token' : 'api_key',
    secret_hash: secrets.hash(key),
    display_prefix: key.slice(0, 9),
    subject: input.subject,
    scopes: JSON.stringify(input.scopes),
    audience: JSON.stringify(input.audience),
    created_at: now.toISOString(),
    not_before: null,
    expires_at: new Date(now.getTime() + input.ttlMs).toISOString(),
    cidr_allowlist: input.cidr && input.cidr.length > 0 ? JSON.stringify(parseCidrList(input.cidr)) : null,
    canary: input.canary ? 1 : 0,
    status: 'active',
    service_account_id: input.serviceAccountId ?? null,
    last_used_at: null,
    last_used_ip: null,
    revoked_at: null,
    revoked_reason: null,
    superseded_at: null,
  };
  await trx.insertInto('ts_keys').values(row).execute();
  const kind: LineageKind = input.canary ? 'canary' : row.kind === 'api_key' ? 'api_key' : 'service_account_token';
  await recordLineage(trx, { entityId: row.id, entityKind: kind, createdBy: input.createdByCredentialId });
  return { id: row.id, key, record: toKeyRecord(row, now) };
}

/**
 * Refuses an audience that is not an absolute URI (RFC 8707 resource indicators are): such a key
 * would match no resource server's audience and fail every request, unexplained.
 *
 * @example
 * ```ts
 * assertAudienceUri('https://api.example.com'); // fine; assertAudienceUri('not a uri') throws TW_USAGE
 * ```
 */
export function assertAudienceUri(audience: string): void {
  let ok = false;
  try {
    ok = /^[a-z][a-z0-9+.-]*:/i.test(audience) && !/\s/.test(audience) && new URL(audience).protocol.length > 1;
  } catch {
    ok = false;
  }
  if (!ok)
    throw new TokenWardenError('TW_USAGE', `audience "${audience}" is not an absolute URI`, { hint: 'e.g. https://api.example.com' });
}

/** Options of {@link createApiKey}. */
export interface CreateApiKeyInput {
  subject: string;
  scopes: string[];
  audience?: string[];
  ttlMs?: number;
  cidr?: string[];
  createdByCredentialId?: string;
}

/**
 * Creates an API key (`tw_k_...`): scopes, audience, expiry (default 90 days, at most
 * `maxTtlMs`), optional CIDR allowlist. The key is returned once.
 *
 * @example
 * ```ts
 * const { id, key } = await createApiKey(database, secrets, { subject: 'ci', scopes: ['read'] }, { defaultAudience, maxTtlMs });
 * ```
 */
export async function createApiKey(
  database: Database,
  secrets: ServiceSecrets,
  input: CreateApiKeyInput,
  limits: { defaultAudience: string; maxTtlMs: number },
): Promise<MintedKey> {
  const ttlMs = input.ttlMs ?? Math.min(DEFAULT_KEY_TTL_MS, limits.maxTtlMs);
  if (!Number.isFinite(ttlMs) || ttlMs <= 0 || ttlMs > limits.maxTtlMs) {
    throw new TokenWardenError('TW_USAGE', `key lifetime must be between 1 ms and ${Math.round(limits.maxTtlMs / 86_400_000)} days`, {
      hint: ttlMs <= 0 || !Number.isFinite(ttlMs) ? 'pass a positive --ttl, e.g. 30d' : 'pass a shorter --ttl, e.g. 30d',
    });
  }
  if (!input.subject) throw new TokenWardenError('TW_USAGE', 'a key needs a subject', { hint: 'pass --subject NAME' });
  // A scopeless key passes every route that names no scope: least privilege means naming one.
  if (dedupe(input.scopes).length === 0) {
    throw new TokenWardenError('TW_USAGE', 'a key needs at least one scope', { hint: 'pass --scopes "a b"' });
  }
  for (const aud of input.audience ?? []) assertAudienceUri(aud);
  const minted = await database.transaction((trx) =>
    insertKey(typed(trx), secrets, {
      letter: 'k',
      subject: input.subject,
      scopes: dedupe(input.scopes),
      // No audience: whatever the service's default is when the key is used, not what it is now.
      audience: input.audience && input.audience.length > 0 ? input.audience : [DEFAULT_AUDIENCE_MARK],
      ttlMs,
      ...(input.cidr ? { cidr: input.cidr } : {}),
      ...(input.createdByCredentialId ? { createdByCredentialId: input.createdByCredentialId } : {}),
    }),
  );
  return { ...minted, record: withDefaultAudience(minted.record, limits.defaultAudience) };
}

/**
 * Looks a presented `tw_k_`/`tw_s_` value up by its keyed hash. Returns undefined for an unknown
 * key and for anything that fails the offline checksum (no database read for typos and fakes).
 *
 * @example
 * ```ts
 * const record = await findKeyByValue(db, secrets, presented);
 * ```
 */
export async function findKeyByValue(
  db: Kysely<unknown>,
  secrets: ServiceSecrets,
  raw: string,
  now = new Date(),
): Promise<KeyRecord | undefined> {
  const parsed = parseTwToken(raw);
  if (!parsed || (parsed.letter !== 'k' && parsed.letter !== 's')) return undefined;
  const row = await typed(db).selectFrom('ts_keys').selectAll().where('secret_hash', '=', secrets.hash(raw)).executeTakeFirst();
  return row ? toKeyRecord(row, now) : undefined;
}

/**
 * Looks a key up by id.
 *
 * @example
 * ```ts
 * const record = await findKeyById(db, 'key_01H...');
 * ```
 */
export async function findKeyById(db: Kysely<unknown>, id: string, now = new Date()): Promise<KeyRecord | undefined> {
  const row = await typed(db).selectFrom('ts_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toKeyRecord(row, now) : undefined;
}

/**
 * Revokes a key (irreversible) and appends a `key` revocation for the gateway.
 * Returns false when no such key exists; true for a key already revoked, which is left as it was.
 *
 * @example
 * ```ts
 * await revokeKey(database, 'key_01H...', { actor: 'alice', reason: 'leaked in a gist' });
 * ```
 */
export async function revokeKey(database: Database, id: string, why: { actor?: string; reason?: string }): Promise<boolean> {
  return database.transaction(async (raw) => {
    const trx = typed(raw);
    const row = await trx.selectFrom('ts_keys').select(['id', 'expires_at', 'status']).where('id', '=', id).executeTakeFirst();
    if (!row) return false;
    // Idempotent, and the first revocation's time and reason are evidence: never rewritten.
    if (row.status === 'revoked') return true;
    const at = new Date().toISOString();
    await trx
      .updateTable('ts_keys')
      .set({ status: 'revoked', revoked_at: at, revoked_reason: why.reason ?? null })
      .where('id', '=', id)
      .execute();
    await appendRevocation(trx, {
      kind: 'key',
      value: id,
      ...(row.expires_at ? { expiresAt: new Date(row.expires_at) } : {}),
      ...why,
    });
    return true;
  });
}

/**
 * Suspends (reversibly) or reinstates a key. Returns false when no such key or it is revoked.
 *
 * Suspension appends a `key` entry to the revocation log in the same transaction, so gateways
 * (which follow the log) refuse the key at once instead of when their key cache expires.
 * Reinstatement removes that entry: followers drop it at their next full resync (the gateway's
 * `revocation.resync_ms`), so a reinstated key may stay refused that long (fail-closed).
 *
 * @example
 * ```ts
 * await setKeySuspended(database, 'key_01H...', true, { actor: 'alice', reason: 'under investigation' });
 * ```
 */
export async function setKeySuspended(
  database: Database,
  id: string,
  suspended: boolean,
  why: { actor?: string; reason?: string } = {},
): Promise<boolean> {
  return database.transaction(async (raw) => {
    const trx = typed(raw);
    const row = await trx
      .updateTable('ts_keys')
      .set({ status: suspended ? 'suspended' : 'active' })
      .where('id', '=', id)
      .where('status', '=', suspended ? 'active' : 'suspended')
      .returning(['expires_at'])
      .executeTakeFirst();
    if (!row) return false;
    if (suspended) {
      await appendRevocation(trx, {
        kind: 'key',
        value: id,
        ...(row.expires_at ? { expiresAt: new Date(row.expires_at) } : {}),
        actor: why.actor ?? 'token-service',
        reason: `suspended${why.reason ? `: ${why.reason}` : ''}`,
      });
    } else {
      // Only a suspended key gets here, and a revoked key is never suspended again, so the
      // entry removed is the suspension's own.
      await trx.deleteFrom('ts_revocations').where('kind', '=', 'key').where('value', '=', id).execute();
    }
    return true;
  });
}

/**
 * Records the last use of a key (time and client IP).
 *
 * @example
 * ```ts
 * await recordKeyUse(db, record.id, new Date(), '203.0.113.9');
 * ```
 */
export async function recordKeyUse(db: Kysely<unknown>, id: string, at: Date, ip: string): Promise<void> {
  await typed(db).updateTable('ts_keys').set({ last_used_at: at.toISOString(), last_used_ip: ip }).where('id', '=', id).execute();
}

/**
 * Ids of the active keys of a subject (for sign-out with `--include-keys`).
 *
 * @example
 * ```ts
 * for (const id of await activeKeyIdsOf(db, 'alice')) await revokeKey(database, id, why);
 * ```
 */
export async function activeKeyIdsOf(db: Kysely<unknown>, subjects: string[]): Promise<string[]> {
  if (subjects.length === 0) return [];
  const rows = await typed(db)
    .selectFrom('ts_keys')
    .select('id')
    .where('subject', 'in', subjects)
    .where('status', 'in', ['active', 'suspended'])
    .where('canary', '=', 0)
    .execute();
  return rows.map((r) => r.id);
}

function dedupe(scopes: string[]): string[] {
  return [...new Set(scopes.filter((s) => s.length > 0))];
}
