import { parseIpBlockValue, unblockableIpReason } from '@tokenwarden/core';
import { TokenWardenError } from '@tokenwarden/core/errors';
import type { Command } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import type { CommandModule } from '../program.js';
import { actByHand } from '../response-context.js';
import { reasonOption } from './action-options.js';

interface BlockOptions extends CommonOptions {
  ip?: string;
  asn?: string;
  reason?: string;
  actor?: string;
  dryRun?: boolean;
}

/** The block a command line asks for, checked as the response API checks `POST /v1/blocks`. */
function blockTarget(opts: BlockOptions): { kind: 'block_ip' | 'block_asn'; target: string } {
  if ((opts.ip === undefined) === (opts.asn === undefined))
    throw new TokenWardenError('TW_USAGE', 'pass exactly one of --ip and --asn', {
      hint: 'e.g. --ip 203.0.113.9, --ip 203.0.113.0/24 or --asn 14061',
    });
  if (opts.ip !== undefined) {
    if (!parseIpBlockValue(opts.ip))
      throw new TokenWardenError('TW_USAGE', `--ip ${JSON.stringify(opts.ip)} is not an IP address or CIDR`, {
        hint: 'an IPv4 or IPv6 address, or a CIDR with a prefix length of 0-32 (IPv4) or 0-128 (IPv6)',
      });
    const never = unblockableIpReason(opts.ip);
    if (never)
      throw new TokenWardenError('TW_USAGE', `--ip ${opts.ip} may not be blocked: ${never}`, { hint: 'block the attacker’s own address' });
    return { kind: 'block_ip', target: opts.ip };
  }
  const asn = Number(opts.asn);
  if (!/^\d+$/.test(opts.asn ?? '') || !(asn > 0 && asn < 2 ** 32))
    throw new TokenWardenError('TW_USAGE', `--asn ${JSON.stringify(opts.asn)} is not an AS number`, {
      hint: 'a positive integer, e.g. 14061',
    });
  return { kind: 'block_asn', target: String(asn) };
}

/**
 * `tokenwarden block --ip ADDRESS|CIDR` or `--asn NUMBER`: blocks a source at every gateway for
 * 24 hours, by hand, through the responder the policy and the API use (idempotent, audited, with
 * `--dry-run`). Loopback and unspecified addresses are refused, as by the API.
 *
 * @example
 * ```sh
 * tokenwarden block --ip 203.0.113.9 --reason "INC-42 attacker" --dry-run
 * tokenwarden block --asn 14061 --reason "abuse from this network"
 * ```
 */
export const registerBlock: CommandModule = (program: Command) => {
  withCommonOptions(
    program
      .command('block')
      .description('block an IP address, a CIDR or an AS number at every gateway (24 h)')
      .option('--ip <address>', 'an IPv4 or IPv6 address, or a CIDR')
      .option('--asn <number>', 'an AS number')
      .option('--reason <text>', 'why (recorded in the audit log)', reasonOption)
      .option('--actor <name>', 'who is blocking (default: cli)')
      .option('--dry-run', 'show what would be done, do nothing'),
  ).action(
    runAction(async (opts: BlockOptions) => {
      const { kind, target } = blockTarget(opts);
      const reason = opts.reason ?? 'blocked by hand';
      return actByHand(opts, { kind, target, why: reason }, { actor: opts.actor ?? 'cli', reason, dryRun: Boolean(opts.dryRun) });
    }),
  );
};
