/**
 * Helpers for contract tests that must pass on both SQLite and PostgreSQL. Import from
 * `@tokenwarden/store/testing` (it depends on `node:test`, so it is not part of the main entry).
 *
 * PostgreSQL is reached at `TOKENWARDEN_TEST_PG_URL` (default `postgres://127.0.0.1:5432/test`)
 * in a fresh schema `tw_test_<random>` that is dropped afterwards. When PostgreSQL is down the
 * tests fail loudly; set `TOKENWARDEN_SKIP_PG=1` to skip them on purpose (shown as skipped).
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { sql } from 'kysely';
import { type Database, openDatabase } from './database.js';
import type { Migration, SqlDialect } from './migration.js';
import { createRepositories } from './repositories/create-repositories.js';
import type { Repositories } from './repositories/repository-types.js';
import { storeMigrations } from './store-migrations.js';

/** Both dialects, SQLite first. */
export const TEST_DIALECTS: readonly SqlDialect[] = ['sqlite', 'postgres'];

/** PostgreSQL URL used by the tests. */
export const TEST_PG_URL = process.env.TOKENWARDEN_TEST_PG_URL ?? 'postgres://127.0.0.1:5432/test';

/** True when PostgreSQL tests are skipped on purpose (`TOKENWARDEN_SKIP_PG=1`). */
export const SKIP_PG = process.env.TOKENWARDEN_SKIP_PG === '1';

/** A throw-away database for one test suite. */
export interface TestDatabase {
  readonly dialect: SqlDialect;
  readonly database: Database;
  readonly repos: Repositories;
  /** SQLite: the temporary data directory. PostgreSQL: the schema name. */
  readonly where: string;
  /** Opens another connection to the same database (same file or schema), e.g. to tamper or to race. */
  reopen(): Promise<Database>;
  /** Closes the database and removes the directory or drops the schema. */
  dispose(): Promise<void>;
}

function withStoreMigrations(migrations: readonly Migration[]): Migration[] {
  const names = new Set(migrations.map((m) => m.name));
  return [...storeMigrations.filter((m) => !names.has(m.name)), ...migrations];
}

/**
 * Opens a fresh database of the given dialect with `storeMigrations` plus `migrations` applied.
 *
 * @example
 * ```ts
 * const t = await openTestDatabase('postgres', gatewayMigrations);
 * try { ... } finally { await t.dispose(); }
 * ```
 */
export async function openTestDatabase(dialect: SqlDialect, migrations: readonly Migration[] = []): Promise<TestDatabase> {
  const all = withStoreMigrations(migrations);
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tw-store-test-'));
    const open = () => openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: all });
    const database = await open();
    return {
      dialect,
      database,
      repos: createRepositories(database),
      where: dir,
      reopen: open,
      async dispose() {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `tw_test_${randomBytes(6).toString('hex')}`;
  const open = (migrations: readonly Migration[] = all) =>
    openDatabase({ store: { driver: 'postgres', url: TEST_PG_URL, schema }, dataDir: tmpdir(), migrations });
  let database: Database;
  try {
    database = await open();
  } catch (e) {
    // The schema may exist by now (a migration failed): drop it so failed runs leave nothing behind.
    await dropSchema(schema).catch(() => {});
    throw e;
  }
  return {
    dialect,
    database,
    repos: createRepositories(database),
    where: schema,
    reopen: () => open(),
    async dispose() {
      try {
        await sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(database.db);
      } finally {
        await database.close();
      }
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const database = await openDatabase({
    store: { driver: 'postgres', url: TEST_PG_URL, schema },
    dataDir: tmpdir(),
    migrations: [],
    readonly: true,
  });
  try {
    await sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(database.db);
  } finally {
    await database.close();
  }
}

/**
 * Declares one `describe` block per dialect (`<name> [sqlite]`, `<name> [postgres]`), each with a
 * fresh database opened before and disposed after its tests. `body` registers tests and reads the
 * database through the accessor it gets (valid once the tests run).
 *
 * @example
 * ```ts
 * forEachDialect('gateway blocks', (t) => {
 *   it('stores a block', async () => {
 *     await createBlockRepository(t().database).add(block);
 *   });
 * }, { migrations: gatewayMigrations });
 * ```
 */
export function forEachDialect(
  name: string,
  body: (current: () => TestDatabase) => void,
  options: { migrations?: readonly Migration[] } = {},
): void {
  for (const dialect of TEST_DIALECTS) {
    const skip = dialect === 'postgres' && SKIP_PG ? 'TOKENWARDEN_SKIP_PG=1' : false;
    describe(`${name} [${dialect}]`, { skip }, () => {
      let opened: TestDatabase | undefined;
      before(async () => {
        opened = await openTestDatabase(dialect, options.migrations ?? []);
      });
      after(async () => {
        await opened?.dispose();
      });
      body(() => {
        if (!opened) throw new Error(`the ${dialect} test database is not open (did before() fail?)`);
        return opened;
      });
    });
  }
}
