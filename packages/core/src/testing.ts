/**
 * Helpers shared by the packages' tests. Import from `@tokenwarden/core/testing` (not part of the
 * main entry: nothing here belongs in production code).
 *
 * @packageDocumentation
 */
import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: for a server whose own URL must be known
 * before it starts (an OAuth issuer names itself in its metadata, so it cannot listen on port 0).
 *
 * @example
 * ```ts
 * const port = await freeLocalPort();
 * const issuer = `http://127.0.0.1:${port}`;
 * ```
 */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
