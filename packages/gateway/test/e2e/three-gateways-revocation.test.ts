import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { storeMigrations } from '@tokenwarden/store';
import { DEFAULT_ISSUER, openTokenService, type TokenService, tokenServiceMigrations } from '@tokenwarden/token-service';
import { Agent, request } from 'undici';
import { gatewayMigrations } from '../../src/migrations.js';
import { startEchoUpstream } from '../support/echo-upstream.js';
import { type GatewayProcess, runCli, spawnGateway } from '../support/spawn-gateway.js';

const TRIALS = 20;

// Three `tokenwarden gateway` processes share one --data directory (SQLite, no servers). A key is
// revoked through the token service in this (fourth) process, and each gateway is hammered until
// it refuses the key: the time from the revoke call to the first refusal is the propagation delay.
describe('revocation reaches three gateway processes sharing --data', { timeout: 300_000 }, () => {
  let dataDir: string;
  let service: TokenService;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  const gateways: GatewayProcess[] = [];
  const agent = new Agent({ connections: 8 });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-gw-3-'));
    service = await openTokenService({
      dataDir,
      issuer: DEFAULT_ISSUER,
      migrations: [...storeMigrations, ...tokenServiceMigrations, ...gatewayMigrations],
      keyRefreshMs: 0,
    });
    upstream = await startEchoUpstream();
    const started = await Promise.all(
      [0, 1, 2].map(() => spawnGateway(['--upstream', upstream.url, '--listen', '127.0.0.1:0', '--data', dataDir])),
    );
    gateways.push(...started);
  });

  after(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await agent.close();
    await service.close();
    await upstream.close();
  });

  const status = async (url: string, key: string): Promise<number> => {
    const res = await request(`${url}/probe`, { headers: { authorization: `Bearer ${key}` }, dispatcher: agent });
    await res.body.dump();
    return res.statusCode;
  };

  it(`each gateway refuses a revoked key within 100 ms (p99 over ${TRIALS} trials x 3 gateways)`, async () => {
    const delays: number[] = [];
    const callDelays: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const minted = await service.admin.createApiKey({ subject: `svc-${trial}`, scopes: ['echo.read'] });
      for (const g of gateways) assert.equal(await status(g.url, minted.key), 200, `gateway ${g.url} admits a fresh key`);
      const callStart = Date.now();
      const revoked = service.admin.revoke(minted.id, { actor: 'test', reason: 'propagation trial' });
      const refusedAt = await Promise.all(
        gateways.map(async (g) => {
          for (;;) {
            const s = await status(g.url, minted.key);
            if (s === 401) return Date.now();
            assert.equal(s, 200, 'only 200 (not yet) or 401 (revoked) are acceptable');
            if (Date.now() - callStart > 10_000) return Number.POSITIVE_INFINITY;
            await new Promise((r) => setTimeout(r, 2));
          }
        }),
      );
      await revoked;
      // The revocation takes effect when its transaction commits; revoked_at is stamped inside it.
      const entry = (await service.view.revocationsSince(0)).find((e) => e.kind === 'key' && e.value === minted.id);
      assert.ok(entry, 'the revocation is in the log');
      const committedAt = Date.parse(entry.revoked_at);
      for (const at of refusedAt) delays.push(Math.max(0, at - committedAt));
      callDelays.push(...refusedAt.map((at) => at - callStart));
    }
    delays.sort((a, b) => a - b);
    const p = (q: number) => delays[Math.min(delays.length - 1, Math.ceil(q * delays.length) - 1)] as number;
    callDelays.sort((a, b) => a - b);
    const summary = {
      samples: delays.length,
      p50: p(0.5),
      p99: p(0.99),
      max: delays[delays.length - 1],
      from_revoke_call: { p50: callDelays[Math.floor(callDelays.length / 2)], max: callDelays[callDelays.length - 1] },
    };
    process.stderr.write(`revocation propagation (ms): ${JSON.stringify(summary)}\n`);
    // The 100 ms bound is the product target on a machine with cores to spare. On a host so loaded
    // that every process waits its turn for a core, scheduling delay dominates what we measure, so
    // the bound is relaxed (and says so) rather than measuring the neighbours.
    const overloaded = loadavg()[0]! > 2 * availableParallelism();
    const bound = overloaded ? 1_000 : 100;
    if (overloaded)
      process.stderr.write(`host overloaded (load ${loadavg()[0]!.toFixed(1)}): checking p99 <= ${bound} ms instead of 100 ms\n`);
    assert.ok(summary.p99 <= bound, `p99 ${summary.p99.toFixed(1)} ms exceeds ${bound} ms`);
  });

  it('`tokenwarden revoke` in another shell takes effect on every gateway', async () => {
    const minted = await service.admin.createApiKey({ subject: 'cli-revoke', scopes: ['echo.read'] });
    for (const g of gateways) assert.equal(await status(g.url, minted.key), 200);
    const r = await runCli(['revoke', minted.id, '--data', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    for (const g of gateways) assert.equal(await status(g.url, minted.key), 401);
  });

  it('admits a JWT access token issued by the token service, and refuses it once revoked', async () => {
    const server = await service.listen('127.0.0.1:0');
    const port = (server.address() as AddressInfo).port;
    const client = await service.admin.createClient({ name: 'gw-e2e', grantTypes: ['client_credentials'], scopes: ['echo.read'] });
    const res = await fetch(`http://127.0.0.1:${port}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=echo.read',
    });
    assert.equal(res.status, 200, await res.clone().text());
    const { access_token: jwt } = (await res.json()) as { access_token: string };
    for (const g of gateways) assert.equal(await status(g.url, jwt), 200);
    await service.admin.revoke(jwt, { actor: 'test' });
    await new Promise((r) => setTimeout(r, 250));
    for (const g of gateways) assert.equal(await status(g.url, jwt), 401);
  });

  it('a config file that does not validate stops start-up naming the bad key', async () => {
    const file = join(dataDir, 'bad-gateway.json');
    writeFileSync(file, JSON.stringify({ routes: [{ path: '/**', scopes: 'echo.read' }] }));
    const r = await runCli(['gateway', '--upstream', upstream.url, '--listen', '127.0.0.1:0', '--data', dataDir, '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /routes\.0\.scopes/);
  });
});
