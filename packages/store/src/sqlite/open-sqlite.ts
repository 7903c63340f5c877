import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import type { Database } from '../database.js';
import { translateStoreError } from '../database.js';
import { withStatementCache } from './statement-cache.js';

/**
 * Opens (creating) a SQLite file in WAL mode with a busy timeout, so that `serve`, `gateway`
 * and one-shot CLI commands can share one `--data` directory safely.
 */
export function openSqlite(file: string, readonly: boolean, busyTimeoutMs = 5000): Database {
  let native: BetterSqlite3.Database;
  try {
    native = new BetterSqlite3(file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
    if (!readonly) native.pragma('journal_mode = WAL');
    native.pragma('synchronous = NORMAL');
    native.pragma('foreign_keys = ON');
    native.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // Touch the schema so a corrupt or foreign file is reported now, not on first query.
    native.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    throw translateStoreError(e, file, 'open');
  }
  const db = new Kysely<unknown>({ dialect: new StoreSqliteDialect({ database: withStatementCache(native) }) });
  // data_version moves when another connection (any process) commits; total_changes() counts the
  // rows this connection changed (uncommitted ones too: a rolled-back write only costs a re-read).
  const stamp = native.prepare('SELECT data_version, total_changes() FROM pragma_data_version').raw(true);
  return {
    db,
    dialect: 'sqlite',
    location: file,
    changeStamp() {
      const [version, changes] = stamp.get() as [number, number];
      return `${version}:${changes}`;
    },
    async transaction(fn) {
      // Kysely's SQLite transactions start with a deferred BEGIN; a reader that later writes can then
      // fail with SQLITE_BUSY without waiting. Taking the write lock up front makes the busy
      // timeout apply and serialises read-modify-write sequences across processes.
      return db.connection().execute(async (conn) => {
        await sqlRaw(conn, 'BEGIN IMMEDIATE');
        try {
          const out = await fn(conn);
          await sqlRaw(conn, 'COMMIT');
          return out;
        } catch (e) {
          await sqlRaw(conn, 'ROLLBACK').catch(() => {});
          throw e;
        }
      });
    },
    async close() {
      await db.destroy();
    },
  };
}

async function sqlRaw(conn: Kysely<unknown>, statement: string): Promise<void> {
  await sql.raw(statement).execute(conn);
}

// Kysely starts SQLite transactions with a deferred BEGIN, so a transaction that reads and then
// writes fails with SQLITE_BUSY at once (no busy wait) when another process wrote meanwhile.
// Every Kysely transaction here, the migrator's included, takes the write lock up front instead.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

// SQLite DDL is transactional. Saying so makes Kysely run each migration in a transaction, so a
// failed or concurrent migration rolls back whole instead of leaving half a schema behind.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class StoreSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
