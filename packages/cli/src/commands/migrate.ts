import { migrate, migrationStatus, openDatabase } from '@tokenwarden/store';
import type { Command } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import { baseConfigFrom } from '../config-from.js';
import { EXIT } from '../exit-codes.js';
import { allMigrations } from '../migrations.js';
import { printResult } from '../output.js';
import type { CommandModule } from '../program.js';

/**
 * `tokenwarden migrate`: brings the store's schema up to date and prints which migrations ran.
 * Every command migrates on open anyway; this makes it an explicit, reviewable step (for
 * example before rolling out a new version against a shared PostgreSQL).
 *
 * @example
 * ```sh
 * tokenwarden migrate --config production.yaml --json
 * ```
 */
export const registerMigrate: CommandModule = (program: Command) => {
  withCommonOptions(program.command('migrate').description('apply pending store migrations and print what ran')).action(
    runAction(async (opts: CommonOptions) => {
      const config = baseConfigFrom(opts);
      const database = await openDatabase({ store: config.store, dataDir: config.data, migrations: allMigrations, migrate: false });
      try {
        const applied = await migrate(database, allMigrations);
        const state = await migrationStatus(database, allMigrations);
        const result = { store: database.location, applied, total: state.length };
        printResult(result, Boolean(opts.json), () =>
          applied.length === 0
            ? `store ${database.location} is up to date (${state.length} migrations)`
            : [...applied.map((name) => `applied ${name}`), `store ${database.location} is up to date (${state.length} migrations)`].join(
                '\n',
              ),
        );
        return EXIT.OK;
      } finally {
        await database.close();
      }
    }),
  );
};
