import { SEVERITIES, type Severity, TokenWardenError } from '@tokenwarden/core';
import { evaluateAlerts, formatEvalReport, readAlerts, readLabels } from '@tokenwarden/simulator';
import { type Command, Option } from 'commander';
import { parseDuration, runAction } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import type { CommandModule } from '../program.js';

interface EvalCliOptions {
  alerts: string;
  labels: string;
  threshold: Severity;
  grace: string;
  json?: boolean;
}

/**
 * `tokenwarden eval`: scores detector alerts against simulator labels.
 *
 * @example
 * ```sh
 * tokenwarden detect sim/events.native.jsonl | tokenwarden eval --alerts - --labels sim/labels.json
 * ```
 */
export const evalCommand: CommandModule = (program: Command) => {
  program
    .command('eval')
    .description('score alerts (JSON lines from `tokenwarden detect`) against labels from `tokenwarden simulate`')
    .requiredOption('--alerts <file>', 'alerts as JSON lines (native, or OCSF Detection Findings from --output ocsf), or - for stdin')
    .requiredOption('--labels <file>', 'labels.json written by `tokenwarden simulate`')
    .addOption(
      new Option('--threshold <severity>', 'severity that pages someone (headline, attacks and hard negatives)')
        .choices([...SEVERITIES])
        .default('high'),
    )
    .option('--grace <duration>', 'how long after an attack ends an alert still catches it', '1h')
    .option('--json', 'print the report as JSON')
    .action(
      runAction(async (opts: EvalCliOptions) => {
        const graceMs = parseDuration(opts.grace);
        const labels = await readLabels(opts.labels);
        let malformed = 0;
        const alerts = readAlerts(opts.alerts, (p) => {
          malformed++;
          process.stderr.write(`warning ${p.source}:${p.line}: ${p.reason}; line skipped\n`);
        });
        const report = await evaluateAlerts(labels, alerts, { pageThreshold: opts.threshold, graceMs });
        report.malformed_lines = malformed;
        if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else process.stdout.write(`${formatEvalReport(report)}\n`);
        if (report.alerts === 0 && malformed > 0) {
          throw new TokenWardenError('TW_INPUT_MALFORMED', `no usable alert in ${opts.alerts} (${malformed} malformed lines)`, {
            hint: 'pass the JSON lines printed by `tokenwarden detect`',
          });
        }
        return EXIT.OK;
      }),
    );
};
