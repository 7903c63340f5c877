import type { Kysely } from 'kysely';

/** The SQL dialect a migration or repository runs against. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * One schema change. Names sort globally across packages (`<package>-<NNNN>-<what>`), and the
 * same migration runs on SQLite and PostgreSQL, so columns use portable types: text keys (ULIDs),
 * ISO-8601 UTC text timestamps (they sort as text), JSON as text, integers, no identity columns.
 * `dialect` is passed for the rare statement that must differ.
 *
 * @example
 * ```ts
 * export const migrations: Migration[] = [{
 *   name: 'gateway-0001-blocks',
 *   async up(db) {
 *     await db.schema.createTable('gateway_blocks').addColumn('id', 'text', (c) => c.primaryKey()).execute();
 *   },
 * }];
 * ```
 */
export interface Migration {
  name: string;
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}
