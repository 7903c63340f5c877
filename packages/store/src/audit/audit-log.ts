import { type AuditEntry, AuditInput, MalformedInputError, newId, TokenWardenError, validationIssues } from '@tokenwarden/core';
import { type Kysely, sql } from 'kysely';
import { type AuditLog, DEFAULT_LIMIT } from '../repositories/repository-types.js';
import { limitOf, type StoreContext } from '../repositories/store-context.js';
import type { StoreTables } from '../repositories/tables.js';
import { auditEntryHash, canonicalJson, GENESIS_HASH } from './audit-hash.js';
import { auditEntryFromRow, auditRowFromEntry } from './audit-rows.js';
import { verifyAuditChain } from './audit-verify.js';

const ANCHOR_ID = 'head';

/**
 * The SQL adapter of {@link AuditLog}: append-only and hash-chained.
 *
 * Appends run in a write transaction (BEGIN IMMEDIATE on SQLite, a transaction-scoped advisory
 * lock on PostgreSQL), so appenders in several processes are serialised and the chain never
 * forks. The anchor row records the head after every append; the next seq and `prev_hash` come
 * from it, so a deleted tail leaves a visible gap instead of being silently overwritten.
 *
 * @example
 * ```ts
 * const audit = createAuditLog(storeContext(database));
 * const entry = await audit.append({ actor: 'alice', action: 'credential.revoke', target: 'cred_1', reason: 'leaked' });
 * ```
 */
export function createAuditLog(ctx: StoreContext): AuditLog {
  return {
    async append(input) {
      const issues = validationIssues(AuditInput, input);
      if (issues.length > 0) {
        throw new MalformedInputError({ source: 'audit entry' }, issues.map((i) => `${i.path} ${i.message}`).join('; '));
      }
      // Normalise details through canonical JSON so what is hashed is exactly what is stored and read back.
      const details = JSON.parse(canonicalJson(input.details ?? {})) as Record<string, unknown>;
      return ctx.transaction('append audit entry', async (trx) => {
        if (ctx.database.dialect === 'postgres') {
          await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))`.execute(trx);
        }
        const head = await currentHead(trx);
        const entryWithoutHash = {
          seq: head.seq + 1,
          id: newId('aud'),
          time: new Date().toISOString(),
          actor: input.actor,
          action: input.action,
          ...(input.target === undefined ? {} : { target: input.target }),
          ...(input.reason === undefined ? {} : { reason: input.reason }),
          ...(input.source_ip === undefined ? {} : { source_ip: input.source_ip }),
          details,
          prev_hash: head.hash,
        };
        const entry: AuditEntry = { ...entryWithoutHash, hash: auditEntryHash(entryWithoutHash) };
        await trx.insertInto('audit_log').values(auditRowFromEntry(entry)).execute();
        await trx
          .insertInto('audit_anchor')
          .values({ id: ANCHOR_ID, seq: entry.seq, hash: entry.hash, updated_at: entry.time })
          .onConflict((oc) => oc.column('id').doUpdateSet({ seq: entry.seq, hash: entry.hash, updated_at: entry.time }))
          .execute();
        return entry;
      });
    },
    async list(filter = {}) {
      const limit = limitOf(filter.limit, DEFAULT_LIMIT);
      const rows = await ctx.run('list audit entries', (db) =>
        db
          .selectFrom('audit_log')
          .selectAll()
          .where('seq', '>', filter.after_seq ?? 0)
          .orderBy('seq', filter.order === 'desc' ? 'desc' : 'asc')
          .limit(limit)
          .execute(),
      );
      return rows.map((r) => auditEntryFromRow(r));
    },
    async verify(options = {}) {
      const run = async (trx: Kysely<StoreTables>) => verifyAuditChain(trx, options.checkpoints ?? []);
      // One consistent snapshot, so entries appended while verifying are not mistaken for tampering.
      return ctx.run('verify audit log', (db) =>
        ctx.database.dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read').execute(run) : readSnapshot(db, run),
      );
    },
  };
}

async function currentHead(trx: Kysely<StoreTables>): Promise<{ seq: number; hash: string }> {
  const anchor = await trx.selectFrom('audit_anchor').select(['seq', 'hash']).where('id', '=', ANCHOR_ID).executeTakeFirst();
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (anchor && last && Number(last.seq) > Number(anchor.seq)) {
    throw new TokenWardenError(
      'TW_AUDIT_TAMPERED',
      `the audit log has entries past its anchor (seq ${last.seq} > ${anchor.seq}); refusing to extend it`,
      { hint: 'run `tokenwarden audit verify` and investigate before appending' },
    );
  }
  if (anchor) return { seq: Number(anchor.seq), hash: anchor.hash };
  if (last) return { seq: Number(last.seq), hash: last.hash };
  return { seq: 0, hash: GENESIS_HASH };
}

// A deferred BEGIN on SQLite (WAL) reads one snapshot without taking the write lock, so a long
// verify never blocks appenders.
async function readSnapshot<T>(db: Kysely<StoreTables>, fn: (conn: Kysely<StoreTables>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin deferred`.execute(conn);
    try {
      const out = await fn(conn);
      await sql`commit`.execute(conn);
      return out;
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw e;
    }
  });
}
