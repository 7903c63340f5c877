import type { BaseConfig } from '@tokenwarden/config';
import { createRepositories, type Database, openDatabase, type Repositories } from '@tokenwarden/store';
import type { CommonOptions } from './command-kit.js';
import { baseConfigFrom } from './config-from.js';
import { allMigrations } from './migrations.js';

/** An open store for one command: the database, its repositories and the config it came from. */
export interface OpenStore {
  database: Database;
  repos: Repositories;
  config: BaseConfig;
}

/**
 * Loads the config (file, environment, `--data`), opens the store with every registered
 * migration applied, and builds the repositories. Close `database` when done.
 *
 * @example
 * ```ts
 * const { database, repos } = await openStoreFromOptions(opts);
 * try { ... } finally { await database.close(); }
 * ```
 */
export async function openStoreFromOptions(opts: CommonOptions): Promise<OpenStore> {
  const config = baseConfigFrom(opts);
  const database = await openDatabase({ store: config.store, dataDir: config.data, migrations: allMigrations });
  return { database, repos: createRepositories(database), config };
}
