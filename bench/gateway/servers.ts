// Child processes of the gateway benchmark: `upstream` (the small API, plus an introspection
// endpoint standing in for the token service), `proxies` (the same reverse-proxy code as a bare
// hop, as the gateway with cached verification, and as the gateway introspecting every request)
// and `fastify` (one app with the plugin, one without). Each prints one JSON line when ready.
// They run the built packages (run.ts starts them without the `source` condition).
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CredentialSource,
  GatewayGuard,
  gatewayMigrations,
  parseGatewayConfig,
  startGateway,
  startReverseProxy,
} from '@tokenwarden/gateway';
import { openDatabase, storeMigrations } from '@tokenwarden/store';
import { request } from 'undici';
import { FakeCredentialSource } from '../../packages/gateway/test/support/fake-credential-source.js';
import { buildFastifyBenchApps } from './fastify-apps.js';

const mode = process.argv[2];
const config = parseGatewayConfig({ rate_limit: false, routes: [{ path: '/**', scopes: ['echo.read'] }] });
// BENCH_SIGNATURE_THREAD=1 or 0 turns the DPoP signature thread on or off (an A/B of the thread);
// unset, the config's default applies (auto: on with 2 or more CPUs).
const signatureThread = process.env.BENCH_SIGNATURE_THREAD === undefined ? undefined : process.env.BENCH_SIGNATURE_THREAD === '1';
// Every checking guard emits its access events, as in production (one per request): here to an
// in-process consumer that counts them, standing in for the bus.
let delivered = 0;
const publishAccess = (batch: readonly unknown[]): void => {
  delivered += batch.length;
};
process.once('SIGTERM', () => {
  if (delivered > 0) process.stderr.write(`bench ${mode}: ${delivered} access events delivered\n`);
  process.exit(0);
});

async function upstream(): Promise<void> {
  const body = JSON.stringify({ ok: true, items: [1, 2, 3] });
  const server = createServer((req, res) => {
    if (req.url === '/introspect') {
      req.resume();
      req.on('end', () => {
        const answer = JSON.stringify({
          active: true,
          sub: 'user_1',
          scope: 'echo.read',
          aud: 'https://api.test',
          jti: 'op_1',
          exp: Math.floor(Date.now() / 1000) + 600,
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
        res.end(answer);
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

async function proxies(upstreamUrl: string, jkts: string[]): Promise<void> {
  const source = await FakeCredentialSource.create();
  // The alternative many gateways use: ask the token service about every token, over HTTP.
  const introspecting: CredentialSource = Object.assign(Object.create(source) as FakeCredentialSource, {
    async introspect(token: string) {
      const res = await request(`${upstreamUrl}/introspect`, {
        method: 'POST',
        body: `token=${token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      return (await res.body.json()) as { active: boolean };
    },
  });
  const guard = (checks: boolean, src: CredentialSource, cacheResults = true) =>
    new GatewayGuard({
      source: src,
      config,
      checks,
      cacheResults,
      publishAccess,
      ...(signatureThread === undefined ? {} : { signatureThread }),
    });
  const bare = guard(false, source);
  const cached = guard(true, source);
  const perRequest = guard(true, introspecting, false);
  for (const g of [bare, cached, perRequest]) await g.start();
  const start = (g: GatewayGuard) => startReverseProxy({ guard: g, upstream: upstreamUrl, port: 0, connections: 32 });
  const [p1, p2, p3] = await Promise.all([start(bare), start(cached), start(perRequest)]);
  // What `tokenwarden gateway --data DIR` runs (startGateway over a SQLite store): DPoP replay
  // claims in append-only logs shared by every gateway process on the directory, one write per
  // proof, plus the store's revocation and control-order polling and its WAL watch.
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-gw-'));
  const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir, migrations: [...storeMigrations, ...gatewayMigrations] });
  const cli = await startGateway({
    source,
    config,
    upstream: upstreamUrl,
    listen: '127.0.0.1:0',
    dataDir,
    database,
    publishAccess,
    ...(signatureThread === undefined ? {} : { signatureThread }),
  });
  const p4 = cli.proxy;
  const key = source.createKey().raw;
  const jwt = (await source.issueJwt()).token;
  // One DPoP-bound token per client key (the bench signs proofs with EdDSA and with ES256).
  const bound = await Promise.all(jkts.map(async (jkt) => (await source.issueJwt({ jkt })).token));
  const opaque = `op_${'x'.repeat(40)}`;
  process.stdout.write(
    `${JSON.stringify({ bare: p1?.url, gateway: p2?.url, introspect: p3?.url, dataDirGateway: p4?.url, key, jwt, bound, opaque })}\n`,
  );
}

async function fastifyApps(): Promise<void> {
  const source = await FakeCredentialSource.create();
  // Development knobs for A/B runs of the access-event path: BENCH_NO_SINK=1 emits no access events,
  // BENCH_BATCH_MS=N collects them for N ms before handing a batch over (default: the next turn).
  const guard = new GatewayGuard({
    source,
    config,
    ...(process.env.BENCH_NO_SINK === '1' ? {} : { publishAccess }),
    ...(process.env.BENCH_BATCH_MS ? { accessBatchMs: Number(process.env.BENCH_BATCH_MS) } : {}),
  });
  await guard.start();
  const { plain, plugin: guarded, hooks } = await buildFastifyBenchApps(guard);
  for (const app of [plain, guarded, hooks]) await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (app: typeof plain) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ plain: url(plain), plugin: url(guarded), hooks: url(hooks), key: source.createKey().raw })}\n`);
}

if (mode === 'upstream') await upstream();
else if (mode === 'proxies') await proxies(process.argv[3] as string, process.argv.slice(4));
else if (mode === 'fastify') await fastifyApps();
else throw new Error(`unknown mode ${mode}`);
