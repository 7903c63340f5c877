import { type Context, createContext, Script } from 'node:vm';

// A regular expression cannot be stopped from JavaScript once `exec` runs: a check of the clock
// between two calls never comes when one call backtracks for minutes. A vm timeout can: its
// watchdog thread terminates whatever JavaScript the thread runs, a RegExp's backtracking loop
// included, and the thread goes on. It costs ~0.2 ms per call here (the watchdog starts each
// time), so only rules written by users (custom rules, whose regexes nothing vouches for) run
// under it.

let context: Context | undefined;
let script: Script | undefined;
let task: (() => boolean) | undefined;

/**
 * Runs `fn` (which must not be asynchronous) and stops it after `ms` milliseconds wherever it
 * is, even inside one RegExp `exec`. Returns what `fn` returned, or false when it was stopped;
 * an error thrown by `fn` is rethrown.
 *
 * @example
 * ```ts
 * const finished = withHardLimit(250, () => runRule(run)); // false: stopped after 250 ms
 * ```
 */
export function withHardLimit(ms: number, fn: () => boolean): boolean {
  context ??= createContext({ run: () => task?.() ?? true });
  script ??= new Script('run()');
  task = fn;
  try {
    return script.runInContext(context, { timeout: Math.max(1, Math.ceil(ms)) }) as boolean;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
    throw e;
  } finally {
    task = undefined;
  }
}
