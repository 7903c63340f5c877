import { join } from 'node:path';
import type { StoreConfig } from '@tokenwarden/config';
import { ensureDataDir } from '@tokenwarden/config';
import { TokenWardenError, UnavailableError } from '@tokenwarden/core';
import { type Kysely, type Migration as KyselyMigration, Migrator, sql } from 'kysely';
import type { Migration, SqlDialect } from './migration.js';
import { openPostgres } from './postgres/open-postgres.js';
import { openSqlite } from './sqlite/open-sqlite.js';

/**
 * An open store: a Kysely instance over SQLite or PostgreSQL with every registered migration
 * applied. Adapters (repositories) are the only code that speaks SQL through it.
 */
export interface Database {
  readonly db: Kysely<unknown>;
  readonly dialect: SqlDialect;
  /** Human-readable location (file path or host:port/db). */
  readonly location: string;
  /** PostgreSQL: the schema the tables live in (`store.schema`, else the connection's current schema). */
  readonly schema?: string;
  /**
   * SQLite only (absent on PostgreSQL): a cheap synchronous stamp that reads the same in two calls
   * only if nothing was written to the database in between, by this connection or any other
   * process. A cache of something read from the store stays valid while the stamp is unchanged.
   */
  changeStamp?(): string;
  /** Runs `fn` in a transaction; on SQLite this takes the write lock at once (BEGIN IMMEDIATE). */
  transaction<T>(fn: (trx: Kysely<unknown>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  store: StoreConfig;
  /** Data directory; the SQLite file lives here unless `store.file` says otherwise. */
  dataDir: string;
  /** Migrations to apply, from every package that owns tables. */
  migrations: readonly Migration[];
  /** Open read-only (SQLite) and skip migrations. */
  readonly?: boolean;
  /**
   * SQLite: how long a statement waits for another process's write lock before failing with
   * `TW_STORE_LOCKED` (default 5000 ms).
   */
  busyTimeoutMs?: number;
  /** Set to false to open read-write without applying migrations (the `migrate` command applies them itself). */
  migrate?: boolean;
}

/** Whether one migration has been applied to a store. */
export interface MigrationState {
  name: string;
  /** When it was applied (ISO-8601); absent when pending. */
  applied_at?: string;
}

/**
 * Opens the store and brings its schema up to date.
 *
 * @example
 * ```ts
 * const database = await openDatabase({ store: cfg.store, dataDir: cfg.data, migrations: allMigrations });
 * ```
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const database =
    options.store.driver === 'postgres'
      ? await openPostgres(options.store)
      : openSqlite(
          options.store.file ?? join(ensureDataDir(options.dataDir), 'tokenwarden.db'),
          options.readonly ?? false,
          options.busyTimeoutMs,
        );
  if (!options.readonly && options.migrate !== false) {
    try {
      await migrate(database, options.migrations);
    } catch (e) {
      await database.close().catch(() => {});
      throw e;
    }
  }
  return database;
}

function migratorFor(database: Database, migrations: readonly Migration[]): Migrator {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new TokenWardenError('TW_INTERNAL', `migration ${m.name} is registered twice`);
    names.add(m.name);
  }
  const record: Record<string, KyselyMigration> = {};
  for (const m of migrations) record[m.name] = { up: (db) => m.up(db as Kysely<unknown>, database.dialect) };
  return new Migrator({
    db: database.db,
    provider: { getMigrations: async () => record },
    allowUnorderedMigrations: true,
    migrationTableName: 'tw_migrations',
    migrationLockTableName: 'tw_migrations_lock',
    // Without a schema, Kysely looks for its tables in every schema of the database, so a
    // tw_migrations table of another schema would be taken for ours.
    ...(database.dialect === 'postgres' && database.schema ? { migrationTableSchema: database.schema } : {}),
  });
}

function translateMigrationError(e: unknown, database: Database, during: string): TokenWardenError {
  const missing = /previously executed migration (\S+) is missing/.exec(String((e as Error)?.message ?? ''));
  if (missing) {
    return new TokenWardenError(
      'TW_CONFLICT',
      `the store ${database.location} has migration ${missing[1]}, which this build does not know`,
      {
        hint: 'run a TokenWarden version at least as new as the one that last migrated this store',
        cause: e,
      },
    );
  }
  return translateStoreError(e, database.location, during);
}

/**
 * Applies every migration not yet applied, in name order, and returns the names it applied.
 * Safe to run from several processes at once: PostgreSQL takes an advisory lock, SQLite a write
 * transaction.
 *
 * @example
 * ```ts
 * const applied = await migrate(database, allMigrations); // ["store-0001-core", ...]
 * ```
 */
export async function migrate(database: Database, migrations: readonly Migration[]): Promise<string[]> {
  const migrator = migratorFor(database, migrations);
  // Migrating takes the write lock; checking first with a plain read lets every command open a
  // store that is up to date while another process holds a long write transaction.
  const executed = await executedMigrationNames(database);
  const registered = new Set(migrations.map((m) => m.name));
  if (executed && migrations.every((m) => executed.has(m.name)) && [...executed].every((name) => registered.has(name))) return [];
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw translateMigrationError(error, database, failed ? `migration ${failed.migrationName}` : 'migrations');
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function executedMigrationNames(database: Database): Promise<Set<string> | undefined> {
  const table = database.dialect === 'postgres' && database.schema ? `${database.schema}.tw_migrations` : 'tw_migrations';
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(database.db);
    return new Set(rows.map((r) => r.name));
  } catch {
    return undefined; // no migration table yet (a new store), or unreadable: let the migrator decide
  }
}

/**
 * Lists every registered migration and whether (and when) it has been applied.
 *
 * @example
 * ```ts
 * const pending = (await migrationStatus(database, allMigrations)).filter((m) => !m.applied_at);
 * ```
 */
export async function migrationStatus(database: Database, migrations: readonly Migration[]): Promise<MigrationState[]> {
  try {
    const infos = await migratorFor(database, migrations).getMigrations();
    return infos.map((m) => (m.executedAt ? { name: m.name, applied_at: m.executedAt.toISOString() } : { name: m.name }));
  } catch (e) {
    throw translateMigrationError(e, database, 'reading migration state');
  }
}

/**
 * Maps driver errors to TokenWarden errors with a hint (locked file, permissions, disk full,
 * connection refused); anything else becomes TW_INTERNAL with the original as its cause.
 */
export function translateStoreError(e: unknown, location: string, during: string): TokenWardenError {
  if (e instanceof TokenWardenError) return e;
  const err = e as NodeJS.ErrnoException & { code?: string };
  const code = String(err?.code ?? '');
  const message = String(err?.message ?? e);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || /database is locked/i.test(message)) {
    return new TokenWardenError('TW_STORE_LOCKED', `the store ${location} is locked by another process (${during})`, {
      hint: 'another tokenwarden process holds a long write lock; wait for it or stop it, then retry',
      cause: e,
    });
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'EACCES' || /readonly|unable to open/i.test(message)) {
    return new TokenWardenError('TW_PERMISSION_DENIED', `cannot write the store ${location} (${during}): ${message}`, {
      hint: 'check the permissions of the --data directory and its files',
      cause: e,
    });
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new TokenWardenError('TW_STORE_CORRUPT', `the store ${location} is not a valid database (${during})`, {
      hint: 'restore it from a backup, or point --data at a fresh directory',
      cause: e,
    });
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return new TokenWardenError('TW_CONFLICT', `a record with the same key already exists in ${location} (${during})`, {
      hint: 'use a new id, or update the existing record instead',
      cause: e,
    });
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new TokenWardenError('TW_UNAVAILABLE', `no space left for the store ${location} (${during})`, {
      hint: 'free disk space',
      cause: e,
    });
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === '57P01' || code === '08006') {
    return new UnavailableError('PostgreSQL', location, 'start PostgreSQL or fix store.url, then retry', { cause: e });
  }
  return new TokenWardenError('TW_INTERNAL', `store error during ${during}: ${message}`, { cause: e });
}

export { sql };
