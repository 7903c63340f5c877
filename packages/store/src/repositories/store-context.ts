import { TokenWardenError } from '@tokenwarden/core';
import type { Kysely } from 'kysely';
import { type Database, translateStoreError } from '../database.js';
import type { StoreTables } from './tables.js';

/**
 * What a repository needs: the typed query builder, the database (for transactions), and a
 * wrapper that turns driver errors into TokenWarden errors naming the operation.
 */
export interface StoreContext {
  readonly database: Database;
  readonly db: Kysely<StoreTables>;
  /** Runs `fn`, translating driver errors (locked, read-only, corrupt, unreachable) with `during` as context. */
  run<T>(during: string, fn: (db: Kysely<StoreTables>) => Promise<T>): Promise<T>;
  /** Runs `fn` in a write transaction (BEGIN IMMEDIATE on SQLite), translating errors. */
  transaction<T>(during: string, fn: (trx: Kysely<StoreTables>) => Promise<T>): Promise<T>;
}

/**
 * Builds the {@link StoreContext} shared by the repositories of one database.
 *
 * @example
 * ```ts
 * const ctx = storeContext(database);
 * const row = await ctx.run('get principal', (db) => db.selectFrom('principals').selectAll().executeTakeFirst());
 * ```
 */
export function storeContext(database: Database): StoreContext {
  const db = database.db as unknown as Kysely<StoreTables>;
  const translate = (e: unknown, during: string): TokenWardenError =>
    e instanceof TokenWardenError ? e : translateStoreError(e, database.location, during);
  return {
    database,
    db,
    async run(during, fn) {
      try {
        return await fn(db);
      } catch (e) {
        throw translate(e, during);
      }
    },
    async transaction(during, fn) {
      try {
        return await database.transaction((trx) => fn(trx as unknown as Kysely<StoreTables>));
      } catch (e) {
        throw translate(e, during);
      }
    },
  };
}

/** Splits `items` into chunks of at most `size`, to stay under the bound-parameter limits of both databases. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Clamps a caller's limit to a positive integer, defaulting when absent. */
export function limitOf(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new TokenWardenError('TW_USAGE', `limit must be a positive integer, got ${limit}`, { hint: 'pass a limit of 1 or more' });
  }
  return limit;
}

/** Tables of events keyed by id, stored once each. */
type EventTable = 'access_events' | 'lifecycle_events';

// 500 rows per INSERT keeps every statement under SQLite's bound-parameter limit.
const ROWS_PER_INSERT = 500;

/**
 * Inserts rows whose id is new, in one write transaction, in batches; rows with a known id are
 * skipped (`ON CONFLICT (id) DO NOTHING`), so replays store nothing twice. Returns how many rows
 * were inserted.
 *
 * @example
 * ```ts
 * await insertNewById(ctx, 'access_events', rows, 'insert access events');
 * ```
 */
export function insertNewById<T extends EventTable>(
  ctx: StoreContext,
  table: T,
  rows: readonly StoreTables[T][],
  during: string,
): Promise<number> {
  if (rows.length === 0) return Promise.resolve(0);
  return ctx.transaction(during, async (trx) => {
    let inserted = 0;
    for (const batch of chunks(rows, ROWS_PER_INSERT)) {
      const result = await trx
        .insertInto(table as EventTable)
        .values(batch as StoreTables[EventTable][])
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return inserted;
  });
}
