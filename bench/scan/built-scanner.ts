// The bench measures the scanner as shipped: the built package (dist/), whose scan workers are
// plain JavaScript. From the TypeScript sources each worker would first boot tsx, a start-up cost
// no user pays. This refuses to run against a dist/ older than its sources.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

type Scanner = typeof import('@tokenwarden/scanner');

const root = fileURLToPath(new URL('../../packages/scanner/', import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/**
 * Imports packages/scanner/dist after checking that every source file has a built counterpart at
 * least as new; throws naming the first stale file and the build command otherwise.
 *
 * @example
 * ```ts
 * const { runScan } = await importBuiltScanner();
 * ```
 */
export async function importBuiltScanner(): Promise<Scanner> {
  for (const src of sources(join(root, 'src'))) {
    const built = join(root, 'dist', relative(join(root, 'src'), src).replace(/\.ts$/, '.js'));
    const builtTime = statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    if (builtTime < statSync(src).mtimeMs) {
      throw new Error(`packages/scanner/dist is older than ${relative(root, src)}: run \`npx tsc -b packages/scanner\` first`);
    }
  }
  return (await import(new URL('../../packages/scanner/dist/index.js', import.meta.url).href)) as Scanner;
}
