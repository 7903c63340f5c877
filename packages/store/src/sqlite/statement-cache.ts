import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Wraps a better-sqlite3 handle for Kysely so that each distinct SQL text is prepared once and its
 * statement reused, least recently used first out past `max`.
 *
 * Why: Kysely's SQLite driver prepares every query afresh, and on hot read paths (token
 * introspection, client lookups) preparing cost about as much as running the query. Reuse is safe
 * because better-sqlite3 runs a statement to completion synchronously (`all`, `run`); the one
 * exception is a statement still iterating (`iterate`, Kysely's streamQuery), which is `busy`, and
 * then a fresh statement is prepared for the caller instead. SQLite re-prepares a cached statement
 * by itself when the schema changed under it.
 *
 * @example
 * ```ts
 * const db = new Kysely({ dialect: new SqliteDialect({ database: withStatementCache(new BetterSqlite3(file)) }) });
 * ```
 */
export function withStatementCache(native: BetterSqlite3.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => native.close(),
    prepare(sql) {
      const hit = cache.get(sql);
      if (hit !== undefined && !hit.busy) {
        // Re-inserting keeps the Map in least-recently-used order.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = native.prepare(sql);
      if (hit === undefined) {
        cache.set(sql, statement);
        if (cache.size > max) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}
