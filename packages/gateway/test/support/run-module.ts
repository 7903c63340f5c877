import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Runs `code` (an ES module, TypeScript imports allowed) in a separate Node process from the
 * repository root, with `args` after it; resolves its stdout, rejects when it exits non-zero.
 * `onReady` is called once when the child writes "ready" on stderr (a barrier for racing children).
 */
export function runModule(code: string, args: string[], onReady?: () => void): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const c = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', code, ...args], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    let errors = '';
    let readySeen = false;
    c.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    c.stderr.on('data', (d: Buffer) => {
      errors += d.toString();
      if (onReady && !readySeen && errors.includes('ready\n')) {
        readySeen = true;
        onReady();
      }
    });
    c.once('error', reject);
    c.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exited with ${code}: ${errors}`))));
  });
}
