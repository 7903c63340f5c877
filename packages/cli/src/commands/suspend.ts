import { TokenWardenError } from '@tokenwarden/core/errors';
import type { Command } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import type { CommandModule } from '../program.js';
import { actByHand } from '../response-context.js';
import { reasonOption } from './action-options.js';

interface SuspendOptions extends CommonOptions {
  reason?: string;
  actor?: string;
  dryRun?: boolean;
}

/**
 * `tokenwarden suspend ID` and `tokenwarden reinstate ID`: suspends a key, service-account token
 * or user account (`usr_...`) reversibly, and reinstates it, by hand, through the responder the
 * policy and the API use (idempotent, audited, with `--dry-run`). A suspended user keeps no live
 * session; a suspended key is refused until reinstated.
 *
 * @example
 * ```sh
 * tokenwarden suspend key_01JD3Z2K8Q4W5E6R7T8Y9U0I1O --reason "minted by the stolen key"
 * tokenwarden reinstate key_01JD3Z2K8Q4W5E6R7T8Y9U0I1O --reason "the owner made it"
 * ```
 */
export const registerSuspend: CommandModule = (program: Command) => {
  for (const [name, kind, description] of [
    ['suspend', 'suspend', 'suspend a key, service-account token or user account, reversibly'],
    ['reinstate', 'reinstate', 'reinstate a suspended key, service-account token or user account'],
  ] as const) {
    withCommonOptions(
      program
        .command(name)
        .description(description)
        .argument('<id>', 'a key or service-account token id, or a user id (usr_...)')
        .option('--reason <text>', 'why (recorded in the audit log)', reasonOption)
        .option('--actor <name>', 'who decides (default: cli)')
        .option('--dry-run', 'show what would be done, do nothing'),
    ).action(
      runAction(async (id: string, opts: SuspendOptions) => {
        if (id.trim() === '')
          throw new TokenWardenError('TW_USAGE', `nothing to ${name}: the id is empty`, {
            hint: 'pass a key id (key_...), token id (sat_...) or user id (usr_...)',
          });
        const reason = opts.reason ?? `${kind === 'suspend' ? 'suspended' : 'reinstated'} by hand`;
        return actByHand(
          opts,
          { kind, target: id, why: reason, ...(kind === 'suspend' ? { entity: id.startsWith('usr_') ? 'principal' : 'credential' } : {}) },
          { actor: opts.actor ?? 'cli', reason, dryRun: Boolean(opts.dryRun) },
        );
      }),
    );
  }
};
