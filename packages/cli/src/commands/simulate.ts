import { TokenWardenError } from '@tokenwarden/core';
import { DEFAULT_SIMULATION, type SimulationFormat, simulateToDirectory } from '@tokenwarden/simulator';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parsePositiveInt, runAction } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import type { CommandModule } from '../program.js';

interface SimulateCliOptions {
  out: string;
  format: 'native' | 'ocsf' | 'cloudtrail' | 'all';
  seed: number;
  days: number;
  users: number;
  services: number;
  attacks: number;
  start?: string;
  json?: boolean;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError(`seed must be an integer from 0 to 4294967295, got "${value}"`);
  return n;
}

function parseCount(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}"`);
    return n;
  };
}

function parseStart(value: string): number {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) {
    throw new TokenWardenError('TW_USAGE', `invalid --start "${value}"`, {
      hint: 'use an ISO 8601 date or time, e.g. 2026-11-02 or 2026-11-02T00:00:00Z',
    });
  }
  return t;
}

/**
 * `tokenwarden simulate`: writes deterministic, labelled traffic for evaluating detection.
 *
 * @example
 * ```sh
 * tokenwarden simulate --out ./sim --seed 7 --days 30
 * ```
 */
export const simulateCommand: CommandModule = (program: Command) => {
  program
    .command('simulate')
    .description('generate realistic labelled traffic (people, services, hard negatives, token-theft attacks) for evaluating detection')
    .option('--out <dir>', 'output directory', './sim')
    .addOption(
      new Option('--format <format>', 'which event files to write').choices(['native', 'ocsf', 'cloudtrail', 'all']).default('all'),
    )
    .option('--seed <n>', 'random seed: the same seed and options give byte-identical output', parseSeed, DEFAULT_SIMULATION.seed)
    .option('--days <n>', 'days of traffic', parsePositiveInt('--days'), DEFAULT_SIMULATION.days)
    .option('--users <n>', 'people', parsePositiveInt('--users'), DEFAULT_SIMULATION.users)
    .option('--services <n>', 'service credentials (CI, cron, monitoring, ...)', parseCount('--services'), DEFAULT_SIMULATION.services)
    .option('--attacks <n>', 'attacked credentials', parseCount('--attacks'), DEFAULT_SIMULATION.attacks)
    .option('--start <iso>', `first simulated instant (default ${new Date(DEFAULT_SIMULATION.start).toISOString()})`)
    .option('--json', 'print the summary as JSON')
    .action(
      runAction(async (opts: SimulateCliOptions) => {
        const formats: SimulationFormat[] = opts.format === 'all' ? ['native', 'ocsf', 'cloudtrail'] : [opts.format];
        const started = Date.now();
        const summary = await simulateToDirectory(
          {
            seed: opts.seed,
            days: opts.days,
            users: opts.users,
            services: opts.services,
            attacks: opts.attacks,
            start: opts.start === undefined ? DEFAULT_SIMULATION.start : parseStart(opts.start),
          },
          opts.out,
          formats,
          (events, time) => process.stderr.write(`simulate: ${events} events, at ${new Date(time).toISOString()}\n`),
        );
        const seconds = (Date.now() - started) / 1000;
        // An attack needs a credential with a learned history before it and days for its steps: a short or small
        // simulation holds fewer than asked, which an evaluation must not take for the number planned.
        if (summary.attacks < opts.attacks) {
          process.stderr.write(
            `simulate: warning: ${opts.attacks} attacks asked, ${summary.attacks} fit in ${opts.days} day(s) with ${opts.users} users and ${opts.services} services (each attack needs its own credential and days of history before it: raise --days or --users)\n`,
          );
        }
        if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, out: opts.out, seconds }, null, 2)}\n`);
        else {
          process.stdout.write(
            `wrote ${summary.events} events for ${summary.credentials} credentials (${summary.attacks} attacked), ${summary.start} to ${summary.end}, in ${seconds.toFixed(1)}s\n` +
              `files in ${opts.out}: ${summary.files.filter((f) => !f.startsWith('cloudtrail/')).join(', ')}${summary.files.some((f) => f.startsWith('cloudtrail/')) ? `, cloudtrail/ (${summary.files.filter((f) => f.startsWith('cloudtrail/')).length} daily .json.gz files)` : ''}\n`,
          );
        }
        return EXIT.OK;
      }),
    );
};
