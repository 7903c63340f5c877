import { TokenWardenError } from '@tokenwarden/core/errors';
import type { Command } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import { printResult } from '../output.js';
import type { CommandModule } from '../program.js';
import { actByHand } from '../response-context.js';
import { reasonOption } from './action-options.js';
import { openTokenServiceForCommand } from './serve.js';

interface RevokeOptions extends CommonOptions {
  reason?: string;
  actor?: string;
  dryRun?: boolean;
}

/**
 * `tokenwarden revoke ID_OR_TOKEN`: revokes a key or client by id, a refresh token's whole family
 * by the token or its `rt_` id (as events and alerts name it), or a JWT access token by value or
 * jti. Safe while `serve` runs: the revocation is in the shared store and its revocation log at once.
 *
 * @example
 * ```sh
 * tokenwarden revoke key_01JD3Z2K8Q4W5E6R7T8Y9U0I1O --reason "pasted in a ticket"
 * tokenwarden revoke rt_3kQ9xW2mYb7TnV4cL8pA1s --reason "refresh token reuse alert"
 * tokenwarden revoke key_01JD3Z2K8Q4W5E6R7T8Y9U0I1O --dry-run
 * ```
 */
export const registerRevoke: CommandModule = (program: Command) => {
  withCommonOptions(
    program
      .command('revoke')
      .description('revoke a key, client, refresh-token family or access token')
      .argument(
        '<id-or-token>',
        'an id printed by `keys create`/`clients create`, an access token id (jti) or refresh token id (rt_...), or a raw key or token value',
      )
      .option('--reason <text>', 'why (recorded in the audit log)', reasonOption)
      .option('--actor <name>', 'who is revoking (default: cli)')
      .option('--dry-run', 'show what would be done, do nothing'),
  ).action(
    runAction(async (idOrToken: string, opts: RevokeOptions) => {
      // Checked before the store is opened: an empty argument (an unset shell variable) names nothing.
      if (idOrToken.trim() === '')
        throw new TokenWardenError('TW_USAGE', 'nothing to revoke: the id or token is empty', {
          hint: 'pass an id printed by `keys create`/`clients create`, an access token id (jti) or refresh token id (rt_...), or a raw key or token',
        });
      if (opts.dryRun) {
        const reason = opts.reason ?? 'revoked by hand';
        return actByHand(opts, { kind: 'revoke', target: idOrToken, why: reason }, { actor: opts.actor ?? 'cli', reason, dryRun: true });
      }
      const { service, close } = await openTokenServiceForCommand(opts);
      try {
        const result = await service.admin.revoke(idOrToken, {
          actor: opts.actor ?? 'cli',
          ...(opts.reason ? { reason: opts.reason } : {}),
        });
        printResult(result, Boolean(opts.json), () => `revoked ${result.revoked} ${result.id}`);
      } finally {
        await close();
      }
      return EXIT.OK;
    }),
  );
};
