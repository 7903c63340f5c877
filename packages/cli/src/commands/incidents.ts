import type { Incident, IncidentStatus } from '@tokenwarden/core';
import { TokenWardenError } from '@tokenwarden/core';
import { containIncident, renderRunbook } from '@tokenwarden/response';
import { createRepositories } from '@tokenwarden/store';
import { type Command, InvalidArgumentError } from 'commander';
import { type CommonOptions, runAction, withCommonOptions } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import { printResult } from '../output.js';
import type { CommandModule } from '../program.js';
import { withResponder } from '../response-context.js';
import { reasonOption } from './action-options.js';
import { openTokenServiceForCommand } from './serve.js';

interface ActOptions extends CommonOptions {
  actor?: string;
  reason?: string;
  dryRun?: boolean;
}

const STATUSES: readonly IncidentStatus[] = ['open', 'contained', 'resolved', 'false_positive'];

// As the response API's `limit`: a whole number from 1 to 1000.
function limitOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000)
    throw new InvalidArgumentError(`--limit must be a whole number from 1 to 1000, got "${value}"`);
  return n;
}

function line(i: Incident): string {
  return `${i.id}  ${i.status.padEnd(14)} ${i.severity.padEnd(8)} risk ${String(i.risk_score).padStart(3)}  ${i.stage.padEnd(16)} ${i.credential_id}${i.related_credential_ids.length > 0 ? ` (+${i.related_credential_ids.length} related)` : ''}  opened ${i.opened_at}`;
}

/**
 * `tokenwarden incidents list|show|contain|resolve|false-positive`: incidents by hand. Containment
 * runs the same responder as the automatic policy: idempotent, audited, with `--dry-run`.
 *
 * @example
 * ```sh
 * tokenwarden incidents contain inc_01JD... --reason "confirmed with alice" --dry-run
 * ```
 */
export const registerIncidents: CommandModule = (program: Command) => {
  const group = program
    .command('incidents')
    .description('incidents: the alerts of a credential and of what it created, with status and timeline');

  withCommonOptions(group.command('list'))
    .description('list incidents, newest first')
    .option('--status <status>', `only this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many (1-1000)', limitOption, 50)
    .action(
      runAction(async (opts: CommonOptions & { status?: string; limit: number }) => {
        if (opts.status && !STATUSES.includes(opts.status as IncidentStatus)) {
          throw new TokenWardenError('TW_USAGE', `unknown --status ${JSON.stringify(opts.status)}`, {
            hint: `use one of ${STATUSES.join(', ')}`,
          });
        }
        const { database, close } = await openTokenServiceForCommand(opts);
        try {
          const list = await createRepositories(database).incidents.list({
            ...(opts.status ? { status: opts.status as IncidentStatus } : {}),
            limit: opts.limit,
          });
          printResult(list, Boolean(opts.json), () => (list.length === 0 ? 'no incidents' : list.map(line).join('\n')));
        } finally {
          await close();
        }
        return EXIT.OK;
      }),
    );

  withCommonOptions(group.command('show'))
    .description('one incident with its timeline')
    .argument('<id>', 'incident id')
    .action(
      runAction(async (id: string, opts: CommonOptions) =>
        withResponder(opts, async ({ incidents }) => {
          const i = await incidents.require(id);
          printResult(i, Boolean(opts.json), () =>
            [line(i), ...i.timeline.map((t) => `  ${t.time}  ${t.kind.padEnd(6)} ${t.summary}${t.actor ? ` (${t.actor})` : ''}`)].join(
              '\n',
            ),
          );
          return EXIT.OK;
        }),
      ),
    );

  withCommonOptions(group.command('contain'))
    .description(
      'contain: block and revoke the credential, sign out its user, block new sources, suspend what it created, restore settings',
    )
    .argument('<id>', 'incident id')
    .option('--actor <name>', 'who decides (recorded in the audit log)', 'cli')
    .option('--reason <text>', 'why (recorded in the audit log)', reasonOption, 'contained by hand')
    .option('--dry-run', 'show what would be done, do nothing')
    .action(
      runAction(async (id: string, opts: ActOptions) =>
        withResponder(opts, async ({ incidents, responder }) => {
          const result = await containIncident(incidents, responder, id, {
            actor: opts.actor ?? 'cli',
            reason: opts.reason ?? 'contained by hand',
            dryRun: Boolean(opts.dryRun),
          });
          const { outcomes, runbook } = result;
          // The response API's answer: `{incident, dry_run, outcomes, runbook}`, the incident as an object.
          printResult(result, Boolean(opts.json), () =>
            [
              ...outcomes.map((o) => `${o.status.padEnd(12)} ${o.action.kind} ${o.action.target}: ${o.detail}`),
              ...(runbook.length > 0 ? ['', '# cloud remediation runbook (review, then run):', renderRunbook(runbook)] : []),
            ].join('\n'),
          );
          return outcomes.some((o) => o.status === 'failed') ? EXIT.ERROR : EXIT.OK;
        }),
      ),
    );

  for (const [name, status, description] of [
    ['resolve', 'resolved', 'mark an incident resolved'],
    ['false-positive', 'false_positive', 'mark an incident a false positive (detection learns from it)'],
    ['reopen', 'open', 'reopen an incident'],
  ] as const) {
    withCommonOptions(group.command(name))
      .description(description)
      .argument('<id>', 'incident id')
      .option('--actor <name>', 'who decides', 'cli')
      .requiredOption('--reason <text>', 'why (recorded in the timeline and audit log)', reasonOption)
      .action(
        runAction(async (id: string, opts: ActOptions) =>
          withResponder(opts, async ({ incidents }) => {
            const updated = await incidents.setStatus(id, status, opts.actor ?? 'cli', opts.reason ?? '');
            printResult(updated, Boolean(opts.json), () => line(updated));
            return EXIT.OK;
          }),
        ),
      );
  }
};
