// Runs the tokenwarden CLI as a user would: a child process through its bin script, from the
// TypeScript sources (or from dist/ when `npm test` has just built it and set
// TOKENWARDEN_CLI_FROM_DIST=1), with none of the caller's other TOKENWARDEN_* settings leaking in.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI's bin script. */
export const CLI_BIN = fileURLToPath(new URL('../../bin/tokenwarden.js', import.meta.url));

/** What one CLI run printed, and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tokenwarden ...args` and collects its output. `env` is added last, so a test can set a
 * config variable or switch the dist/ shortcut off (`TOKENWARDEN_CLI_FROM_DIST: ''`).
 *
 * @example
 * ```ts
 * const run = await runCli(['audit', 'verify', '--data', dir, '--json']);
 * assert.equal(run.code, 0, run.stderr);
 * ```
 */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TOKENWARDEN_') || k === 'TOKENWARDEN_CLI_FROM_DIST') env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      ...(options.cwd ? { cwd: options.cwd } : {}),
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
