import { TokenWardenError } from '@tokenwarden/core';
import type { Command } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import { printResult } from '../output.js';
import type { CommandModule } from '../program.js';
import { openTokenServiceForCommand, readStdin } from './serve.js';

interface UsersCreateOptions extends CommonOptions {
  login: string;
  passwordStdin?: boolean;
}

/**
 * `tokenwarden users create --login NAME --password-stdin [--json]`: creates a user who can sign
 * in on the login page. The password is read from stdin (never from argv, where `ps` shows it);
 * one trailing newline is not part of it.
 *
 * @example
 * ```sh
 * printf '%s\n' "$PW" | tokenwarden users create --login alice --password-stdin --json
 * ```
 */
export const registerUsers: CommandModule = (program: Command) => {
  const users = program.command('users').description('manage users of the login page');
  withCommonOptions(
    users
      .command('create')
      .description('create a user')
      .requiredOption('--login <name>', 'login name')
      .option('--password-stdin', 'read the password from standard input'),
  ).action(
    runAction(async (opts: UsersCreateOptions) => {
      if (!opts.passwordStdin) {
        throw new TokenWardenError('TW_USAGE', 'a password is required', { hint: 'pass --password-stdin and pipe the password in' });
      }
      const password = (await readStdin()).replace(/\r?\n$/, '');
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const user = await service.admin.createUser({ login: opts.login, password });
        printResult({ id: user.id, login: user.login }, Boolean(opts.json), () => `created user ${user.login} (${user.id})`);
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );
};
