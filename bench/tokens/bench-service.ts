import { mkdtempSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTokenService, type TokenService } from '../../packages/token-service/src/index.js';

/** A listening token service on SQLite in a fresh directory, with one client_credentials client. */
export interface BenchService {
  service: TokenService;
  dataDir: string;
  issuer: string;
  /** Form headers authenticating as the client (`client_secret_basic`). */
  form: Record<string, string>;
}

/**
 * A free local TCP port.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the service the token benchmarks load.
 *
 * @example
 * ```ts
 * const { service, issuer, form } = await startBenchService('tw-bench-tokens-');
 * ```
 */
export async function startBenchService(prefix: string): Promise<BenchService> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const service = await openTokenService({ dataDir, issuer, keyRefreshMs: 0 });
  await service.listen(`127.0.0.1:${port}`);
  const client = await service.admin.createClient({ name: 'bench', grantTypes: ['client_credentials'], scopes: ['read'] });
  const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
  return { service, dataDir, issuer, form: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic } };
}
