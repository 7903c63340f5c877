// Child processes of the token benchmark, so that neither the load generator nor the parent's
// bookkeeping shares an event loop with what is measured. Each prints one JSON line when ready.
//   service   the token service on SQLite (built package), one client_credentials client, a
//             resource-server client, and pools of live JWT access tokens and API keys written
//             to files (one request body per line) for the load generator
//   baseline  a bare node:http server answering a fixed JSON body (the HTTP stack's ceiling)
//   inproc    in-process introspection and local JWT verification rates, then exits
// run.ts starts them without the `source` condition: they import the built packages.
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAccessTokenVerifier } from '@tokenwarden/token-service';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { deliveredEvents, mintJwts, startBenchService } from './bench-service.js';

const mode = process.argv[2];
const cleanup: (() => Promise<void> | void)[] = [];
process.once('SIGTERM', () => {
  // Exit through process.exit so that --cpu-prof writes its profile.
  void Promise.allSettled(cleanup.map((fn) => fn())).finally(() => process.exit(0));
});

async function service(pool: number): Promise<void> {
  const { service, dataDir, issuer, form } = await startBenchService('tw-bench-tokens-');
  cleanup.push(async () => {
    process.stderr.write(`bench service: ${deliveredEvents()} lifecycle events published\n`);
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const rs = await service.admin.createClient({ name: 'rs', grantTypes: ['client_credentials'] });
  const rsAuthorization = `Basic ${Buffer.from(`${rs.client_id}:${rs.client_secret}`).toString('base64')}`;
  const jwts = await mintJwts(`${issuer}/token`, form, pool);
  const keys: string[] = [];
  for (let i = 0; i < pool; i++) keys.push((await service.admin.createApiKey({ subject: `bench-${i}`, scopes: ['read'] })).key);
  const jwtPool = join(dataDir, 'jwt-bodies.txt');
  const keyPool = join(dataDir, 'key-bodies.txt');
  writeFileSync(jwtPool, `${jwts.map((t) => `token=${t}`).join('\n')}\n`);
  writeFileSync(keyPool, `${keys.map((k) => `token=${k}`).join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ issuer, authorization: form.authorization, rsAuthorization, jwtPool, keyPool })}\n`);
}

async function baseline(): Promise<void> {
  const body = JSON.stringify({ access_token: 'x'.repeat(600), token_type: 'Bearer', expires_in: 300 });
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    // Read the request body as any real endpoint must, then answer.
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })}\n`);
}

async function timed(label: string, iterations: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = Math.round(iterations / secs);
  process.stderr.write(`  ${label}: ${rate}/s\n`);
  return rate;
}

async function inProcess(n: number, pool: number): Promise<void> {
  const { service, dataDir, issuer, form } = await startBenchService('tw-bench-tokens-inproc-');
  const key = await service.admin.createApiKey({ subject: 'bench', scopes: ['read'] });
  const [jwt] = (await mintJwts(`${issuer}/token`, form, 1)) as [string];
  const jwtPool = await mintJwts(`${issuer}/token`, form, pool);
  const introspectKey = await timed('view.introspect(API key), in-process', n, () => service.view.introspect(key.key));
  const introspectJwt = await timed('view.introspect(same JWT access token), in-process', n, () => service.view.introspect(jwt));
  let next = 0;
  const introspectJwtPool = await timed(`view.introspect(${pool} distinct JWTs in turn), in-process`, n, () =>
    service.view.introspect(jwtPool[next++ % pool] as string),
  );
  // Cold: tokens never introspected before (no cache can answer): the verify + revocation check cost.
  const cold = await mintJwts(`${issuer}/token`, form, Math.min(n, 3000));
  let coldNext = 0;
  const introspectJwtCold = await timed(`view.introspect(JWT never seen before, ${cold.length}), in-process`, cold.length - 200, () =>
    service.view.introspect(cold[coldNext++] as string),
  );
  const jwks = await service.view.jwks();
  const verifier = createAccessTokenVerifier({ issuer, audience: service.view.defaultAudience, jwks });
  const keySet = createLocalJWKSet(jwks);
  const joseRaw = await timed('raw jose jwtVerify (baseline)', n, () => jwtVerify(jwt, keySet, { algorithms: ['EdDSA'] }));
  const ours = await timed('createAccessTokenVerifier().verify', n, () => verifier.verify(jwt));
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({ introspectKey, introspectJwt, introspectJwtPool, introspectJwtCold, joseRaw, ours, cold: cold.length })}\n`,
  );
  process.exit(0);
}

if (mode === 'service') await service(Number(process.argv[3] ?? 1000));
else if (mode === 'baseline') await baseline();
else if (mode === 'inproc') await inProcess(Number(process.argv[3] ?? 20_000), Number(process.argv[4] ?? 1000));
else throw new Error(`unknown mode ${mode}: service, baseline or inproc`);
