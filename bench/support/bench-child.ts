// Server children of a benchmark: each prints one JSON line when ready; all are stopped at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Children started by {@link startBenchChild}, in start order. */
export const benchChildren: ChildProcess[] = [];

/**
 * Starts `node [nodeArgs] --import tsx <script> [args]` from the repository root and resolves
 * with the first JSON line it prints. No `source` condition: a child imports the built packages,
 * as an app or the CLI would (tsx still runs the bench's own TypeScript).
 *
 * @example
 * ```ts
 * const up = await startBenchChild<{ port: number }>('bench/gateway/servers.ts', ['upstream']);
 * ```
 */
export function startBenchChild<T>(script: string, args: string[], nodeArgs: string[] = []): Promise<T> {
  const c = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  benchChildren.push(c);
  return new Promise((resolve, reject) => {
    let out = '';
    c.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as T);
    });
    c.once('exit', (code) => reject(new Error(`bench child ${script} ${args[0] ?? ''} exited with ${code}`)));
  });
}

/**
 * Stops every child and resolves once they have exited (a child's CPU profile is written on exit).
 *
 * @example
 * ```ts
 * try { await main(); } finally { await stopBenchChildren(); }
 * ```
 */
export async function stopBenchChildren(): Promise<void> {
  await Promise.all(
    benchChildren.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}
