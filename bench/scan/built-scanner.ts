// The bench measures the scanner as shipped: the built package (dist/), whose scan workers are
// plain JavaScript. From the TypeScript sources each worker would first boot tsx, a start-up cost
// no user pays. It builds the package first, so it never measures a stale dist/.
import { buildPackages } from '../support/built-package.js';

type Scanner = typeof import('@tokenwarden/scanner');

/**
 * Builds packages/scanner and imports its dist/.
 *
 * @example
 * ```ts
 * const { runScan } = await importBuiltScanner();
 * ```
 */
export async function importBuiltScanner(): Promise<Scanner> {
  buildPackages(['scanner']);
  return (await import(new URL('../../packages/scanner/dist/index.js', import.meta.url).href)) as Scanner;
}
