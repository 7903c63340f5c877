/**
 * Token service benchmark: client_credentials issuance, introspection and local JWT verification,
 * each against a baseline measured in the same run, written to bench/results/tokens.json.
 *
 *   npm run bench -- tokens
 *
 * - issuance and RFC 7662 introspection go over HTTP with keep-alive connections (autocannon),
 *   against a real `listen()`ing service on SQLite; the baseline is a bare node:http server on
 *   the same machine answering a fixed JSON body (the ceiling of the HTTP stack itself);
 * - introspection is measured for an unknown opaque token and for pools of distinct live JWT access
 *   tokens and API keys that every connection cycles through (what a resource server sends: each
 *   token many times over its life; verified JWTs are cached until exp while the revocation log
 *   has not moved, so the pool numbers include cache hits a real resource server would get);
 * - in-process introspection (`view.introspect`, what the gateway calls) is measured too, for one
 *   JWT, a pool of JWTs in turn, and JWTs never seen before (no cache can help: the cold cost);
 * - local verification of our JWT access tokens (`createAccessTokenVerifier`) is compared with a
 *   raw `jose.jwtVerify` of the same token with the same key set.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createAccessTokenVerifier } from '../../packages/token-service/src/index.js';
import { freePort, startBenchService } from './bench-service.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function load(
  url: string,
  init: { method: 'POST' | 'GET'; headers: Record<string, string>; body: string },
  bodies?: string[],
): Promise<{ rps: number; non2xx: number; p99_ms: number }> {
  // With `bodies`, every connection cycles through them in order (a pool of distinct tokens).
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    pipelining: 1,
    ...init,
    ...(bodies ? { requests: bodies.map((body) => ({ method: init.method, body })) } : {}),
  });
  return { rps: Math.round(result.requests.average), non2xx: result.non2xx, p99_ms: result.latency.p99 };
}

/** Issues `n` client_credentials access tokens, 16 at a time. */
async function mintJwts(tokenUrl: string, headers: Record<string, string>, n: number): Promise<string[]> {
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

async function timed(label: string, iterations: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = Math.round(iterations / secs);
  process.stderr.write(`  ${label}: ${rate}/s\n`);
  return rate;
}

async function main(): Promise<void> {
  const { service, dataDir, issuer, form } = await startBenchService('tw-bench-tokens-');

  // Baseline: the bare HTTP stack on this machine, same load generator.
  const basePort = await freePort();
  const body = JSON.stringify({ access_token: 'x'.repeat(600), token_type: 'Bearer', expires_in: 300 });
  const baseline = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  }).listen(basePort, '127.0.0.1');

  process.stderr.write(`bench tokens: ${DURATION_S}s x ${CONNECTIONS} keep-alive connections per HTTP run, ${cpus().length} cores\n`);
  // On a shared machine the load changes from one run to the next: every HTTP run is preceded by
  // its own baseline run, and its ratio is to that baseline (the pair sees the same load).
  const baselineRun = () => load(`http://127.0.0.1:${basePort}/`, { method: 'POST', headers: form, body: 'grant_type=client_credentials' });
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const median = (xs: number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };
  const paired = async (
    label: string,
    url: string,
    init: { method: 'POST'; headers: Record<string, string>; body: string },
    bodies?: string[],
  ): Promise<{ rps: number; non2xx: number; p99_ms: number; baseline_rps: number; ratio: number; ratios: number[] }> => {
    const runs: { rps: number; non2xx: number; p99_ms: number; base: number; ratio: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      const base = await baselineRun();
      const run = await load(url, init, bodies);
      runs.push({ ...run, base: base.rps, ratio: run.rps / base.rps });
    }
    const ratios = runs.map((r) => Number(r.ratio.toFixed(3)));
    const out = {
      rps: median(runs.map((r) => r.rps)),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      p99_ms: median(runs.map((r) => r.p99_ms)),
      baseline_rps: median(runs.map((r) => r.base)),
      ratio: median(ratios),
      ratios,
    };
    process.stderr.write(
      `  ${label}: median ${out.rps}/s, non-2xx ${out.non2xx}; ratio to the bare node:http run just before, per round ${ratios.join(', ')} (median ${out.ratio})\n`,
    );
    return out;
  };
  const httpBaseline = await baselineRun();
  process.stderr.write(`  bare node:http baseline: ${httpBaseline.rps}/s\n`);
  const issuance = await paired('client_credentials issuance (HTTP)', `${issuer}/token`, {
    method: 'POST',
    headers: form,
    body: 'grant_type=client_credentials&scope=read',
  });

  // A refresh-token-like opaque value to introspect: use an API key (opaque, hashed, same lookup path) and a JWT.
  const key = await service.admin.createApiKey({ subject: 'bench', scopes: ['read'] });
  const tokenResponse = await fetch(`${issuer}/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials&scope=read' });
  const { access_token: jwt } = (await tokenResponse.json()) as { access_token: string };
  const rs = await service.admin.createClient({ name: 'rs', grantTypes: ['client_credentials'] });
  const rsBasic = `Basic ${Buffer.from(`${rs.client_id}:${rs.client_secret}`).toString('base64')}`;
  const introspectionUrl = `${issuer}/token/introspection`;
  const rsHeaders = { 'content-type': 'application/x-www-form-urlencoded', authorization: rsBasic };
  const introspectionHttp = await paired('RFC 7662 introspection endpoint (HTTP, unknown opaque token)', introspectionUrl, {
    method: 'POST',
    headers: rsHeaders,
    body: `token=${encodeURIComponent(`opaque-${'a'.repeat(40)}`)}`,
  });
  // A realistic mix: a resource server introspects the live tokens of many callers, each token
  // many times over its 5-minute life. POOL distinct tokens, every connection cycling through them.
  const pool = Number(process.env.BENCH_TOKEN_POOL ?? 1000);
  const jwtPool = await mintJwts(`${issuer}/token`, form, pool);
  const keyPool: string[] = [];
  for (let i = 0; i < pool; i++) keyPool.push((await service.admin.createApiKey({ subject: `bench-${i}`, scopes: ['read'] })).key);
  const introspectionJwtHttp = await paired(
    `introspection endpoint (HTTP, ${pool} distinct JWT access tokens)`,
    introspectionUrl,
    { method: 'POST', headers: rsHeaders, body: '' },
    jwtPool.map((t) => `token=${t}`),
  );
  const introspectionKeyHttp = await paired(
    `introspection endpoint (HTTP, ${pool} distinct API keys)`,
    introspectionUrl,
    { method: 'POST', headers: rsHeaders, body: '' },
    keyPool.map((k) => `token=${k}`),
  );

  const n = Number(process.env.BENCH_ITERATIONS ?? 20_000);
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

  const results = {
    area: 'tokens',
    time: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version },
    method: {
      http: `autocannon, ${CONNECTIONS} keep-alive connections, ${DURATION_S}s per run, SQLite store, same process as the service; ${rounds} rounds per measurement, each a bare node:http baseline run then the measured run; *_rps and *_vs_http_baseline are medians over the rounds (ratio per round to the baseline run just before it)`,
      in_process: `${n} sequential awaited calls after 200 warm-up calls (cold JWT: each token once)`,
      introspection_http:
        'unknown opaque token; and pools of distinct live JWT access tokens / API keys, every connection cycling through the pool (a token is introspected many times over its life)',
    },
    http_baseline_rps: httpBaseline.rps,
    client_credentials_issuance_rps: issuance.rps,
    client_credentials_issuance_non2xx: issuance.non2xx,
    client_credentials_issuance_p99_ms: issuance.p99_ms,
    client_credentials_vs_http_baseline: issuance.ratio,
    client_credentials_paired_baseline_rps: issuance.baseline_rps,
    client_credentials_ratios_per_round: issuance.ratios,
    introspection_http_rps: introspectionHttp.rps,
    introspection_http_vs_http_baseline: introspectionHttp.ratio,
    introspection_http_paired_baseline_rps: introspectionHttp.baseline_rps,
    introspection_http_ratios_per_round: introspectionHttp.ratios,
    introspection_http_jwt_pool_rps: introspectionJwtHttp.rps,
    introspection_http_jwt_pool_non2xx: introspectionJwtHttp.non2xx,
    introspection_http_jwt_pool_vs_http_baseline: introspectionJwtHttp.ratio,
    introspection_http_jwt_pool_paired_baseline_rps: introspectionJwtHttp.baseline_rps,
    introspection_http_jwt_pool_ratios_per_round: introspectionJwtHttp.ratios,
    introspection_http_api_key_pool_rps: introspectionKeyHttp.rps,
    introspection_http_api_key_pool_non2xx: introspectionKeyHttp.non2xx,
    introspection_http_api_key_pool_vs_http_baseline: introspectionKeyHttp.ratio,
    introspection_http_api_key_pool_paired_baseline_rps: introspectionKeyHttp.baseline_rps,
    introspection_http_api_key_pool_ratios_per_round: introspectionKeyHttp.ratios,
    token_pool_size: pool,
    introspection_in_process_api_key_per_s: introspectKey,
    introspection_in_process_jwt_per_s: introspectJwt,
    introspection_in_process_jwt_pool_per_s: introspectJwtPool,
    introspection_in_process_jwt_cold_per_s: introspectJwtCold,
    jwt_verify_raw_jose_per_s: joseRaw,
    jwt_verify_ours_per_s: ours,
    jwt_verify_ours_vs_raw_jose: Number((ours / joseRaw).toFixed(3)),
    targets: { introspection_per_s: 10_000, client_credentials_per_s: 2_000 },
  };
  const outDir = new URL('../results/', import.meta.url).pathname;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'tokens.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);

  baseline.close();
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench tokens failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
