// Gateway benchmark: one command, one run, ratios against baselines measured in the same run.
//   node --conditions=source --import tsx bench/gateway/run.ts
// Writes bench/results/gateway.json. Each autocannon run is short (BENCH_SECONDS, default 4 s).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { calculateJwkThumbprint, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';

const root = fileURLToPath(new URL('../../', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const connections = 10;
const children: ChildProcess[] = [];

function child<T>(args: string[]): Promise<T> {
  const c = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'bench/gateway/servers.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(c);
  return new Promise((resolve, reject) => {
    let out = '';
    c.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as T);
    });
    c.once('exit', (code) => reject(new Error(`bench child ${args[0]} exited with ${code}`)));
  });
}

interface Result {
  name: string;
  requests_per_sec: number;
  p50_ms: number;
  p99_ms: number;
  non_2xx: number;
  errors: number;
}

async function load(
  name: string,
  url: string,
  headers: Record<string, string> = {},
  perRequest?: () => Record<string, string>,
): Promise<Result> {
  const options: autocannon.Options = { url, connections, duration: seconds, headers };
  if (perRequest) {
    options.requests = [{ setupRequest: (req) => ({ ...req, headers: { ...headers, ...perRequest() } }) }];
  }
  const result = await autocannon(options);
  const r: Result = {
    name,
    requests_per_sec: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
  };
  process.stderr.write(
    `${name.padEnd(34)} ${String(r.requests_per_sec).padStart(7)} req/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  non-2xx ${r.non_2xx}\n`,
  );
  return r;
}

async function main(): Promise<void> {
  // DPoP key of the client: the proxy child binds a token to its thumbprint.
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk);

  const up = await child<{ port: number }>(['upstream']);
  const upstream = `http://127.0.0.1:${up.port}`;
  const px = await child<{ bare: string; gateway: string; introspect: string; key: string; jwt: string; bound: string; opaque: string }>([
    'proxies',
    upstream,
    jkt,
  ]);
  const fx = await child<{ plain: string; plugin: string; key: string }>(['fastify']);

  // One fresh proof per request (a replayed proof is refused); signed ahead of the run so the
  // load generator does not spend the shared cores signing.
  const htu = `${px.gateway}/bench`;
  const ath = createHash('sha256').update(px.bound).digest('base64url');
  const proofs: string[] = [];
  const needed = Math.min(200_000, 12_000 * seconds);
  for (let i = 0; i < needed; i++) {
    proofs.push(
      await new SignJWT({ htm: 'GET', htu, ath })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt', jwk })
        .setJti(`p${i}`)
        .setIssuedAt()
        .sign(privateKey),
    );
  }
  let next = 0;

  // Raw jose verification rate of a DPoP proof, for comparison with the DPoP run.
  const sample = proofs[0] as string;
  let verified = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1_000) {
    await jwtVerify(sample, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['EdDSA'] });
    verified++;
  }
  const joseVerifyPerSec = Math.round(verified / ((performance.now() - t0) / 1000));

  const results: Result[] = [];
  results.push(await load('direct', `${upstream}/bench`));
  results.push(await load('bare proxy hop (checks off)', `${px.bare}/bench`));
  results.push(await load('gateway, API key', `${px.gateway}/bench`, { authorization: `Bearer ${px.key}` }));
  results.push(await load('gateway, JWT', `${px.gateway}/bench`, { authorization: `Bearer ${px.jwt}` }));
  results.push(
    await load('gateway, DPoP', `${px.gateway}/bench`, { authorization: `DPoP ${px.bound}` }, () => ({
      dpop: proofs[next++ % proofs.length] as string,
    })),
  );
  results.push(await load('introspection on every request', `${px.introspect}/bench`, { authorization: `Bearer ${px.opaque}` }));
  results.push(await load('fastify app without plugin', `${fx.plain}/bench`));
  results.push(await load('fastify app with plugin (API key)', `${fx.plugin}/bench`, { authorization: `Bearer ${fx.key}` }));

  const by = (n: string) => results.find((r) => r.name === n) as Result;
  const bare = by('bare proxy hop (checks off)').requests_per_sec;
  const ratio = (n: string, base = bare) => Number((by(n).requests_per_sec / base).toFixed(3));
  const report = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, loadavg_at_end: loadavg().map((l) => Number(l.toFixed(1))) },
    seconds_per_run: seconds,
    connections,
    results,
    jose_dpop_verify_per_sec: joseVerifyPerSec,
    ratios: {
      bare_hop_vs_direct: Number((bare / by('direct').requests_per_sec).toFixed(3)),
      api_key_vs_bare_hop: ratio('gateway, API key'),
      jwt_vs_bare_hop: ratio('gateway, JWT'),
      dpop_vs_bare_hop: ratio('gateway, DPoP'),
      introspection_every_request_vs_bare_hop: ratio('introspection on every request'),
      plugin_vs_app_without: ratio('fastify app with plugin (API key)', by('fastify app without plugin').requests_per_sec),
    },
    targets: { api_key_vs_bare_hop: 0.9, jwt_vs_bare_hop: 0.9, dpop_vs_bare_hop: 0.5, plugin_vs_app_without: 0.9 },
  };
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/gateway.json`, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`${JSON.stringify(report.ratios)}\njose DPoP verify: ${joseVerifyPerSec}/s\nwrote bench/results/gateway.json\n`);
}

try {
  await main();
} finally {
  for (const c of children) c.kill('SIGTERM');
}
