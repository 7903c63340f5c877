// Benchmarks measure packages as shipped: their built dist/, plain JavaScript. Run from the
// TypeScript sources, every function carries tsx's transform (name-keeping wrappers, source maps),
// a cost no user pays, and it falls on the measured code but hardly on a bare baseline.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Brings the dist/ of the named packages (and what they reference) up to date with `tsc -b`, so a
 * bench never measures stale code; a no-op taking a second or two when nothing changed. An mtime
 * comparison is not enough: `tsc -b` leaves outputs untouched when a source was only re-saved.
 *
 * @example
 * ```ts
 * buildPackages(['gateway']); // then import or spawn code that resolves @tokenwarden/gateway to dist/
 * ```
 */
export function buildPackages(names: readonly string[]): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', ...names.map((n) => `packages/${n}`)], { cwd: root, stdio: 'inherit' });
}
