import { reasonProblem } from '@tokenwarden/response';
import { InvalidArgumentError } from 'commander';

/**
 * Commander parser of `--reason`: the checks the response API makes (something said, at most 500
 * characters, no control or text-direction characters), so the audit log reads the same whichever
 * way an action was taken.
 *
 * @example
 * ```ts
 * cmd.option('--reason <text>', 'why (recorded in the audit log)', reasonOption);
 * ```
 */
export function reasonOption(value: string): string {
  const problem = reasonProblem(value);
  if (problem) throw new InvalidArgumentError(`the reason ${problem}`);
  return value.trim();
}
