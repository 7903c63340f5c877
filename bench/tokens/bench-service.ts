import { mkdtempSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTokenService, type TokenService } from '@tokenwarden/token-service';

let delivered = 0;

/**
 * How many lifecycle events the bench services of this process published so far.
 *
 * @example
 * ```ts
 * process.stderr.write(`${deliveredEvents()} events\n`);
 * ```
 */
export const deliveredEvents = (): number => delivered;

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
 * Starts the service the token benchmarks load. Imported by name, so a process started without
 * the `source` condition runs the built package (dist/), as `tokenwarden serve` does.
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
  // Lifecycle events (token.issued on every issuance) go to an in-process consumer that counts
  // them, standing in for the in-process bus `tokenwarden serve` publishes to.
  const service = await openTokenService({ dataDir, issuer, keyRefreshMs: 0, publish: () => void delivered++ });
  await service.listen(`127.0.0.1:${port}`);
  const client = await service.admin.createClient({ name: 'bench', grantTypes: ['client_credentials'], scopes: ['read'] });
  const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
  return { service, dataDir, issuer, form: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic } };
}

/**
 * Issues `n` client_credentials access tokens, 16 requests at a time.
 *
 * @example
 * ```ts
 * const jwts = await mintJwts(`${issuer}/token`, form, 1000);
 * ```
 */
export async function mintJwts(tokenUrl: string, headers: Record<string, string>, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(16, n - out.length) }, async () => {
        const r = await fetch(tokenUrl, { method: 'POST', headers, body: 'grant_type=client_credentials&scope=read' });
        return ((await r.json()) as { access_token: string }).access_token;
      }),
    );
    out.push(...batch);
  }
  return out;
}
