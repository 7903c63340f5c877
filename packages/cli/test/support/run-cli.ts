// Runs the tokenwarden CLI as a user would: a child process through its bin script, from the
// TypeScript sources (or from dist/ when `npm test` has just built it and set
// TOKENWARDEN_CLI_FROM_DIST=1), with none of the caller's other TOKENWARDEN_* settings leaking in.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI's bin script. */
export const CLI_BIN = fileURLToPath(new URL('../../bin/tokenwarden.js', import.meta.url));

/** The CLI's TypeScript entry point. */
const CLI_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** What one CLI run printed, and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tokenwarden ...args` and collects its output. `env` is added last, so a test can set a
 * config variable or switch the dist/ shortcut off (`TOKENWARDEN_CLI_FROM_DIST: ''`); `user` runs it
 * as another uid and gid (root only: to meet a permission wall).
 *
 * @example
 * ```ts
 * const run = await runCli(['audit', 'verify', '--data', dir, '--json']);
 * assert.equal(run.code, 0, run.stderr);
 * ```
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; user?: { uid: number; gid: number } } = {},
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TOKENWARDEN_') || k === 'TOKENWARDEN_CLI_FROM_DIST') env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...options.user,
      env: { ...env, TOKENWARDEN_FROM_SOURCE: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running CLI command (a worker, a server) started by {@link startCliUntil}. */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Starts `tokenwarden ...args` from the TypeScript sources with exactly `env`, and resolves once
 * its stderr contains `ready`; throws with the stderr so far when it exits or `timeoutMs` passes
 * first.
 *
 * @example
 * ```ts
 * const worker = await startCliUntil(['worker', '--data', dir], { env: process.env, ready: 'worker: consuming' });
 * worker.child.kill('SIGTERM');
 * ```
 */
export async function startCliUntil(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; ready: string; timeoutMs?: number },
): Promise<RunningCli> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI_MAIN, ...args], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    output.stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    output.stderr += c;
  });
  const running: RunningCli = {
    child,
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!output.stderr.includes(options.ready)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the command did not start:\n${output.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return running;
}

/**
 * Holds the long-running command a suite's `before()` starts: `current` is that command (a clear
 * error when `before()` never got it started), `stop()` kills it if it still runs (for `after()`).
 *
 * @example
 * ```ts
 * const worker = new CliSlot('worker');
 * before(async () => worker.set(await startCliUntil(['worker'], { env, ready: 'worker: consuming' })));
 * after(() => worker.stop());
 * it('runs', () => assert.match(worker.current.stderr, /consuming/));
 * ```
 */
export class CliSlot {
  private cli: RunningCli | undefined;

  constructor(private readonly name: string) {}

  set(cli: RunningCli): void {
    this.cli = cli;
  }

  get current(): RunningCli {
    if (!this.cli) throw new Error(`the ${this.name} did not start (see before())`);
    return this.cli;
  }

  stop(): void {
    if (this.cli?.child.exitCode === null) this.cli.child.kill('SIGKILL');
  }
}
