import type { Kysely } from 'kysely';
import type { TokenDb } from './schema.js';

/** Kinds of revocation the gateway enforces. */
export type RevocationKind = 'jti' | 'key' | 'grant' | 'subject' | 'client';

/** One entry of the revocation log, as the gateway reads it. */
export interface RevocationEntry {
  seq: number;
  kind: RevocationKind;
  value: string;
  revoked_at: string;
  expires_at?: string;
}

/** What to revoke and why. */
export interface RevocationInput {
  kind: RevocationKind;
  value: string;
  /** When the last token affected expires by itself; the gateway may forget the entry after it. */
  expiresAt?: Date;
  actor?: string;
  reason?: string;
  at?: Date;
  /**
   * Re-issue an existing entry with a new time and sequence number (sign-out: tokens issued
   * after an earlier sign-out must die too).
   */
  replace?: boolean;
}

/** The `ts_meta` row every append locks first (see {@link lockRevocationLog}). */
const LOG_LOCK_KEY = 'revocation_log_lock';
/**
 * The `ts_meta` row holding the last sequence number ever issued. Entries can be deleted (a
 * reinstated key's suspension), and `max(seq)` alone would then hand the deleted number out again:
 * a follower resuming after it, or a cache keyed on the high-water mark, would miss the new entry.
 */
const LOG_SEQ_KEY = 'revocation_log_seq';

/**
 * Serialises appends to the revocation log across processes until the caller's transaction ends.
 *
 * Why: the next sequence number is one past the highest issued so far. On SQLite every write transaction already holds
 * the database write lock (BEGIN IMMEDIATE). On PostgreSQL (READ COMMITTED) two transactions would
 * read the same max: one then fails on the primary key (a lost revocation), and even distinct
 * numbers could commit out of order, so a gateway polling `seq > last` would step over the lower
 * one for good. An upsert on one row takes that row's lock in both dialects and keeps it until
 * commit, so sequence numbers are handed out and become visible strictly in order.
 */
async function lockRevocationLog(trx: Kysely<TokenDb>): Promise<void> {
  await trx
    .insertInto('ts_meta')
    .values({ key: LOG_LOCK_KEY, value: 'lock' })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: 'lock' }))
    .execute();
}

/**
 * Appends to the revocation log inside the caller's write transaction, so the sequence number
 * is assigned under the same lock as the state change. Appends are serialised across processes
 * (SQLite file lock, PostgreSQL row lock on `ts_meta`), so numbers are unique, never reused (even
 * after an entry is deleted) and committed in order. Idempotent per (kind, value): a repeated revocation keeps its first
 * sequence number. Returns true when a new entry was written.
 *
 * @example
 * ```ts
 * await database.transaction((trx) => appendRevocation(typed(trx), { kind: 'grant', value: grantId }));
 * ```
 */
export async function appendRevocation(trx: Kysely<TokenDb>, input: RevocationInput): Promise<boolean> {
  await lockRevocationLog(trx);
  const existing = await trx
    .selectFrom('ts_revocations')
    .select('seq')
    .where('kind', '=', input.kind)
    .where('value', '=', input.value)
    .executeTakeFirst();
  if (existing && !input.replace) return false;
  // Read the high-water mark before removing a replaced entry, so a replacement always gets a
  // sequence number above anything a reader may already have seen.
  const last = await trx
    .selectFrom('ts_revocations')
    .select((eb) => eb.fn.max('seq').as('max'))
    .executeTakeFirst();
  const issued = await trx.selectFrom('ts_meta').select('value').where('key', '=', LOG_SEQ_KEY).executeTakeFirst();
  const seq = Math.max(Number(last?.max ?? 0), Number(issued?.value ?? 0)) + 1;
  await trx
    .insertInto('ts_meta')
    .values({ key: LOG_SEQ_KEY, value: String(seq) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(seq) }))
    .execute();
  if (existing) await trx.deleteFrom('ts_revocations').where('seq', '=', existing.seq).execute();
  await trx
    .insertInto('ts_revocations')
    .values({
      seq,
      kind: input.kind,
      value: input.value,
      revoked_at: (input.at ?? new Date()).toISOString(),
      expires_at: input.expiresAt ? input.expiresAt.toISOString() : null,
      actor: input.actor ?? null,
      reason: input.reason ?? null,
    })
    .execute();
  return true;
}

/**
 * Entries with a sequence number above `seq`, in order (the gateway's fan-out and resync).
 *
 * @example
 * ```ts
 * const fresh = await revocationsSince(db, lastSeenSeq);
 * ```
 */
export async function revocationsSince(db: Kysely<TokenDb>, seq: number, limit = 10_000): Promise<RevocationEntry[]> {
  const rows = await db.selectFrom('ts_revocations').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    kind: r.kind as RevocationKind,
    value: r.value,
    revoked_at: r.revoked_at,
    ...(r.expires_at === null ? {} : { expires_at: r.expires_at }),
  }));
}

/**
 * True when a revocation of this kind and value exists.
 *
 * @example
 * ```ts
 * if (await isRevoked(db, 'grant', grantId)) return undefined;
 * ```
 */
export async function isRevoked(db: Kysely<TokenDb>, kind: RevocationKind, value: string): Promise<boolean> {
  const row = await db.selectFrom('ts_revocations').select('seq').where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
  return row !== undefined;
}

/**
 * The highest sequence number in the log (0 when empty): a cache of "still valid" answers
 * (client authentication, verified access tokens) stays valid only while this has not moved.
 * One indexed read (the primary key's last entry).
 *
 * @example
 * ```ts
 * if ((await revocationWatermark(db)) !== cached.watermark) cache.clear();
 * ```
 */
export async function revocationWatermark(db: Kysely<TokenDb>): Promise<number> {
  const row = await db
    .selectFrom('ts_revocations')
    .select((eb) => eb.fn.max('seq').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}
