#!/usr/bin/env node
// Runs the built CLI (dist/, produced on `npm ci` by the root `prepare` script: `tsc -b`).
// TOKENWARDEN_FROM_SOURCE=1 runs straight from the TypeScript sources through tsx instead,
// which is what tests and developers use, so a stale dist/ never hides a change.
// TOKENWARDEN_CLI_FROM_DIST=1 overrides that: `npm test` sets it because it has just built dist/,
// and a built CLI starts several times faster than one transpiled on the fly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', 'dist', 'main.js');
const fromSource =
  process.env.TOKENWARDEN_CLI_FROM_DIST === '1' && existsSync(built)
    ? false
    : process.env.TOKENWARDEN_FROM_SOURCE === '1' || !existsSync(built);
if (fromSource) {
  const child = spawn(
    process.execPath,
    // tsx is resolved from here, not from the caller's working directory.
    ['--conditions=source', '--import', import.meta.resolve('tsx'), join(here, '..', 'src', 'main.ts'), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // A supervisor or test that stops this process means the command itself: pass SIGTERM/SIGHUP on,
  // so a `serve` never outlives its launcher. Ctrl-C already reaches the child through the
  // terminal's process group; forwarding SIGINT too would hit it twice and cut its graceful
  // shutdown short, so the launcher only waits for the child on SIGINT.
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 2 : 0)));
} else {
  await import(built);
}
