import type { Command } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import { printResult } from '../output.js';
import type { CommandModule } from '../program.js';
import { actByHand } from '../response-context.js';
import { reasonOption } from './action-options.js';
import { openTokenServiceForCommand } from './serve.js';

interface SignoutOptions extends CommonOptions {
  subject: string;
  includeKeys?: boolean;
  reason?: string;
  actor?: string;
  dryRun?: boolean;
}

/**
 * `tokenwarden signout --subject NAME [--include-keys]`: signs a user out everywhere: every grant,
 * session and refresh token (and access tokens issued so far, through the revocation log);
 * `--include-keys` also revokes their API keys.
 *
 * @example
 * ```sh
 * tokenwarden signout --subject alice --include-keys --reason "laptop stolen"
 * ```
 */
export const registerSignout: CommandModule = (program: Command) => {
  withCommonOptions(
    program
      .command('signout')
      .description('sign a user out everywhere (grants, sessions, refresh tokens; optionally API keys)')
      .requiredOption('--subject <name>', "the user's login name or subject id")
      .option('--include-keys', 'also revoke their API keys')
      .option('--reason <text>', 'why (recorded in the audit log)', reasonOption)
      .option('--actor <name>', 'who is signing them out (default: cli)')
      .option('--dry-run', 'show what would be done, do nothing'),
  ).action(
    runAction(async (opts: SignoutOptions) => {
      if (opts.dryRun) {
        const reason = opts.reason ?? 'signed out by hand';
        const why = opts.includeKeys ? `${reason} (and revoke their API keys)` : reason;
        return actByHand(opts, { kind: 'signout', target: opts.subject, why }, { actor: opts.actor ?? 'cli', reason, dryRun: true });
      }
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const result = await service.admin.signOut(opts.subject, {
          includeApiKeys: Boolean(opts.includeKeys),
          actor: opts.actor ?? 'cli',
          ...(opts.reason ? { reason: opts.reason } : {}),
        });
        printResult(
          result,
          Boolean(opts.json),
          () => `signed out ${result.subject}: ${result.grants_revoked} grant(s), ${result.keys_revoked} key(s) revoked`,
        );
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );
};
