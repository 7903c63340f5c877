/**
 * Token service benchmark: client_credentials issuance, introspection and local JWT verification,
 * each against a baseline measured in the same run, written to bench/results/tokens.json.
 *
 *   npm run bench -- tokens        (take the CPU lock on a shared machine: flock -x /tmp/tw-cpu.lock ...)
 *
 * - the service (built package, SQLite store) and a bare node:http baseline each run in a child
 *   process of their own; load comes from a third process: wrk (one thread) when it is on PATH,
 *   else autocannon in a child Node process. On 2 cores that is one core for the load generator
 *   and one for the server, for the service and the baseline alike;
 * - every HTTP measurement is preceded by its own baseline run and its ratio is to that run (the
 *   pair sees the same machine load); BENCH_ROUNDS rounds, medians reported;
 * - introspection is measured for an unknown opaque token and for pools of distinct live JWT access
 *   tokens and API keys that the requests cycle through (what a resource server sends: each token
 *   many times over its life; verified JWTs are cached until exp while the revocation log has not
 *   moved, so the JWT pool numbers include the cache hits a real resource server would get);
 * - in-process introspection (`view.introspect`, what the gateway calls) and local verification of
 *   our JWT access tokens against a raw `jose.jwtVerify` run in another child, after the HTTP runs.
 *
 * BENCH_PROFILE=DIR writes a V8 CPU profile of the service process to DIR (`--cpu-prof`); with
 * BENCH_ONLY=issuance|unknown|jwt|key only that scenario runs (and no results file is written).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchChild, stopBenchChildren } from '../support/bench-child.js';
import { buildPackages } from '../support/built-package.js';
import { generator, type LoadResult, type LoadSpec, runLoad } from './load.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_DURATION_S ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POOL = Number(process.env.BENCH_TOKEN_POOL ?? 1000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20_000);
/** issuance, unknown, jwt or key: measure only that scenario and write no results (for profiling). */
const ONLY = process.env.BENCH_ONLY;
// No `source` condition in the children: they import the built packages, as `tokenwarden serve` would.
const child = <T>(args: string[], nodeFlags: string[] = []): Promise<T> => startBenchChild<T>('bench/tokens/servers.ts', args, nodeFlags);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Paired {
  rps: number;
  non2xx: number;
  errors: number;
  p99_ms: number;
  baseline_rps: number;
  ratio: number;
  ratios: number[];
}

async function main(): Promise<void> {
  const loadAtStart = Number(loadavg()[0]?.toFixed(2));
  buildPackages(['token-service']);
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const [svc, base] = await Promise.all([
    child<{ issuer: string; authorization: string; rsAuthorization: string; jwtPool: string; keyPool: string }>(
      ['service', String(POOL)],
      profile,
    ),
    child<{ url: string }>(['baseline']),
  ]);
  process.stderr.write(
    `bench tokens: load by ${generator}, ${CONNECTIONS} keep-alive connections, ${SECONDS}s per run, ${ROUNDS} rounds, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)}\n`,
  );
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const baselineSpec: LoadSpec = {
    url: base.url,
    headers: { ...form, authorization: svc.authorization },
    body: 'grant_type=client_credentials',
    connections: CONNECTIONS,
    seconds: SECONDS,
  };
  const paired = async (
    name: 'issuance' | 'unknown' | 'jwt' | 'key',
    label: string,
    spec: Omit<LoadSpec, 'connections' | 'seconds'>,
    expect: (body: Record<string, unknown>) => boolean,
  ): Promise<Paired> => {
    if (ONLY && ONLY !== name) return { rps: 0, non2xx: 0, errors: 0, p99_ms: 0, baseline_rps: 0, ratio: 0, ratios: [] };
    await probe(spec, expect);
    const runs: (LoadResult & { base: number; ratio: number })[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const b = await runLoad(baselineSpec);
      const m = await runLoad({ ...spec, connections: CONNECTIONS, seconds: SECONDS });
      runs.push({ ...m, base: b.rps, ratio: m.rps / b.rps });
    }
    const ratios = runs.map((r) => Number(r.ratio.toFixed(3)));
    const out: Paired = {
      rps: median(runs.map((r) => r.rps)),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      p99_ms: median(runs.map((r) => r.p99_ms)),
      baseline_rps: median(runs.map((r) => r.base)),
      ratio: median(ratios),
      ratios,
    };
    process.stderr.write(
      `  ${label}: median ${out.rps}/s (per round ${runs.map((r) => r.rps).join(', ')}), p99 ${out.p99_ms} ms, non-2xx ${out.non2xx}, errors ${out.errors}; ratio to the bare node:http run just before ${ratios.join(', ')} (median ${out.ratio}, baseline median ${out.baseline_rps}/s)\n`,
    );
    return out;
  };

  // Each measured request is sent once first and its answer checked, so a fast error can never
  // pass for throughput (wrk counts only status >= 400 as an error).
  const probe = async (spec: Omit<LoadSpec, 'connections' | 'seconds'>, expect: (body: Record<string, unknown>) => boolean) => {
    const body = spec.body ?? readFileSync(spec.bodiesFile as string, 'utf8').split('\n')[0];
    const res = await fetch(spec.url, { method: 'POST', headers: spec.headers, body });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200 || !expect(answer))
      throw new Error(`unexpected answer from ${spec.url}: ${res.status} ${JSON.stringify(answer)}`);
  };

  const issuance = await paired(
    'issuance',
    'client_credentials issuance',
    {
      url: `${svc.issuer}/token`,
      headers: { ...form, authorization: svc.authorization },
      body: 'grant_type=client_credentials&scope=read',
    },
    (b) => typeof b.access_token === 'string' && b.scope === 'read',
  );
  const introspectionUrl = `${svc.issuer}/token/introspection`;
  const rsHeaders = { ...form, authorization: svc.rsAuthorization };
  const unknown = await paired(
    'unknown',
    'introspection, unknown opaque token',
    {
      url: introspectionUrl,
      headers: rsHeaders,
      body: `token=${encodeURIComponent(`opaque-${'a'.repeat(40)}`)}`,
    },
    (b) => b.active === false,
  );
  const jwtPool = await paired(
    'jwt',
    `introspection, ${POOL} distinct JWT access tokens`,
    {
      url: introspectionUrl,
      headers: rsHeaders,
      bodiesFile: svc.jwtPool,
    },
    (b) => b.active === true && b.token_type === 'access_token',
  );
  const keyPool = await paired(
    'key',
    `introspection, ${POOL} distinct API keys`,
    {
      url: introspectionUrl,
      headers: rsHeaders,
      bodiesFile: svc.keyPool,
    },
    (b) => b.active === true && typeof b.key_id === 'string',
  );
  // Stop the HTTP children before the in-process run so it has a core to itself.
  await stopBenchChildren();
  if (ONLY) return; // one scenario (profiling): no results file
  const inproc = await child<Record<string, number>>(['inproc', String(ITERATIONS), String(POOL)]);

  const results = {
    area: 'tokens',
    time: new Date().toISOString(),
    machine: {
      cores: cpus().length,
      node: process.version,
      load_average_at_start: loadAtStart,
      load_average_at_end: Number(loadavg()[0]?.toFixed(2)),
    },
    method: {
      http: `service (built package, SQLite store, lifecycle events to an in-process consumer) and a bare node:http baseline each in a child process; load by ${generator} from a third process, ${CONNECTIONS} keep-alive connections, ${SECONDS}s per run; ${ROUNDS} rounds per measurement, each a baseline run then the measured run; *_rps and *_vs_http_baseline are medians over the rounds (ratio per round to the baseline run just before it)`,
      in_process: `child process on the built package: ${ITERATIONS} sequential awaited calls after 200 warm-up calls (cold JWT: each token once)`,
      introspection_http:
        'unknown opaque token; and pools of distinct live JWT access tokens / API keys that the requests cycle through (a token is introspected many times over its life)',
      command: 'flock -x /tmp/tw-cpu.lock npm run bench -- tokens',
    },
    http_baseline_rps: median([issuance, unknown, jwtPool, keyPool].map((p) => p.baseline_rps)),
    client_credentials_issuance_rps: issuance.rps,
    client_credentials_issuance_non2xx: issuance.non2xx,
    client_credentials_issuance_p99_ms: issuance.p99_ms,
    client_credentials_vs_http_baseline: issuance.ratio,
    client_credentials_paired_baseline_rps: issuance.baseline_rps,
    client_credentials_ratios_per_round: issuance.ratios,
    introspection_http_rps: unknown.rps,
    introspection_http_non2xx: unknown.non2xx,
    introspection_http_p99_ms: unknown.p99_ms,
    introspection_http_vs_http_baseline: unknown.ratio,
    introspection_http_paired_baseline_rps: unknown.baseline_rps,
    introspection_http_ratios_per_round: unknown.ratios,
    introspection_http_jwt_pool_rps: jwtPool.rps,
    introspection_http_jwt_pool_non2xx: jwtPool.non2xx,
    introspection_http_jwt_pool_p99_ms: jwtPool.p99_ms,
    introspection_http_jwt_pool_vs_http_baseline: jwtPool.ratio,
    introspection_http_jwt_pool_paired_baseline_rps: jwtPool.baseline_rps,
    introspection_http_jwt_pool_ratios_per_round: jwtPool.ratios,
    introspection_http_api_key_pool_rps: keyPool.rps,
    introspection_http_api_key_pool_non2xx: keyPool.non2xx,
    introspection_http_api_key_pool_p99_ms: keyPool.p99_ms,
    introspection_http_api_key_pool_vs_http_baseline: keyPool.ratio,
    introspection_http_api_key_pool_paired_baseline_rps: keyPool.baseline_rps,
    introspection_http_api_key_pool_ratios_per_round: keyPool.ratios,
    http_errors: issuance.errors + unknown.errors + jwtPool.errors + keyPool.errors,
    token_pool_size: POOL,
    introspection_in_process_api_key_per_s: inproc.introspectKey,
    introspection_in_process_jwt_per_s: inproc.introspectJwt,
    introspection_in_process_jwt_pool_per_s: inproc.introspectJwtPool,
    introspection_in_process_jwt_cold_per_s: inproc.introspectJwtCold,
    jwt_verify_raw_jose_per_s: inproc.joseRaw,
    jwt_verify_ours_per_s: inproc.ours,
    jwt_verify_ours_vs_raw_jose: Number(((inproc.ours as number) / (inproc.joseRaw as number)).toFixed(3)),
    targets: { introspection_per_s: 10_000, client_credentials_per_s: 2_000 },
  };
  const outDir = join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'tokens.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main()
  .catch((e: unknown) => {
    process.stderr.write(`bench tokens failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopBenchChildren());
