import { TokenWardenError } from '@tokenwarden/core/errors';
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT } from './exit-codes.js';
import { printError } from './output.js';

/** Options every data-touching command accepts. */
export interface CommonOptions {
  data?: string;
  config?: string;
  json?: boolean;
}

/**
 * Adds `--data`, `--config` and `--json` to a command.
 *
 * @example
 * ```ts
 * withCommonOptions(program.command('audit').command('verify'));
 * ```
 */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data directory of the embedded store (default ./.tokenwarden)')
    .option('--config <file>', 'config file (JSON or YAML)')
    .option('--json', 'print results as JSON');
}

/**
 * Wraps a command action: the action returns an exit code; any thrown error is printed as
 * `error CODE: message` plus a hint (never a stack trace) and exits 2.
 *
 * @example
 * ```ts
 * cmd.action(runAction(async (opts) => { ...; return EXIT.OK; }));
 * ```
 */
export function runAction<A extends unknown[]>(fn: (...args: A) => Promise<number> | number): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const last = args[args.length - 2] as CommonOptions | undefined;
    const json = Boolean(last && typeof last === 'object' && 'json' in last && last.json);
    let code: number;
    try {
      code = await fn(...args);
    } catch (e) {
      printError(e, json);
      code = EXIT.ERROR;
    }
    process.exitCode = code;
  };
}

/** Commander argument parser for a positive integer. */
export function parsePositiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

/**
 * Parses a duration like `90s`, `15m`, `1h`, `7d` into milliseconds.
 *
 * @example
 * ```ts
 * parseDuration('1h'); // 3600000
 * ```
 */
export function parseDuration(value: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) {
    throw new TokenWardenError('TW_USAGE', `invalid duration "${value}"`, { hint: 'use a number and a unit: 30s, 15m, 1h, 90d' });
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
