// Gateway benchmark: one command, one run, ratios against baselines measured in the same run.
//   node --conditions=source --import tsx bench/gateway/run.ts
// Writes bench/results/gateway.json. Each autocannon run is short (BENCH_SECONDS, default 4 s),
// and every scenario runs BENCH_ROUNDS times (default 2); ratios are the median over rounds.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { calculateJwkThumbprint, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { DpopVerifier, MemoryJtiReplayStore } from '../../packages/gateway/src/index.js';
import { buildPackages } from '../support/built-package.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const connections = 10;
const children: ChildProcess[] = [];
buildPackages(['gateway']);

function child<T>(args: string[]): Promise<T> {
  // No `source` condition: the servers import the built packages, as an app or `tokenwarden
  // gateway` would (tsx still runs this bench's own TypeScript).
  const c = spawn(process.execPath, ['--import', 'tsx', 'bench/gateway/servers.ts', ...args], {
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
    `${name.padEnd(50)} ${String(r.requests_per_sec).padStart(7)} req/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  non-2xx ${r.non_2xx}\n`,
  );
  return r;
}

type ProofAlg = 'EdDSA' | 'ES256';

// A DPoP client key: the proxy child binds one token to each key's thumbprint.
async function dpopClient(alg: ProofAlg) {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

// One fresh proof per request (a replayed proof is refused); signed ahead of the run so the load
// generator does not spend the shared cores signing.
async function signProofs(client: Awaited<ReturnType<typeof dpopClient>>, htu: string, token: string, count: number): Promise<string[]> {
  const ath = createHash('sha256').update(token).digest('base64url');
  const proofs: string[] = [];
  for (let i = 0; i < count; i++) {
    proofs.push(
      await new SignJWT({ htm: 'GET', htu, ath })
        .setProtectedHeader({ alg: client.alg, typ: 'dpop+jwt', jwk: client.jwk })
        .setJti(`${client.alg}-${i}`)
        .setIssuedAt()
        .sign(client.privateKey),
    );
  }
  return proofs;
}

// Verifications per second, one at a time, for one second.
async function rate(verifyOne: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1_000) await verifyOne(done++);
  return Math.round(done / ((performance.now() - t0) / 1000));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function main(): Promise<void> {
  const clients = { EdDSA: await dpopClient('EdDSA'), ES256: await dpopClient('ES256') };

  const up = await child<{ port: number }>(['upstream']);
  const upstream = `http://127.0.0.1:${up.port}`;
  const px = await child<{
    bare: string;
    gateway: string;
    introspect: string;
    sqliteReplay: string;
    key: string;
    jwt: string;
    bound: string[];
    opaque: string;
  }>(['proxies', upstream, clients.EdDSA.jkt, clients.ES256.jkt]);
  const fx = await child<{ plain: string; plugin: string; key: string }>(['fastify']);

  const htu = `${px.gateway}/bench`;
  const needed = Math.min(200_000, 12_000 * seconds * rounds);
  const bound = { EdDSA: px.bound[0] as string, ES256: px.bound[1] as string };
  const proofs = {
    EdDSA: await signProofs(clients.EdDSA, htu, bound.EdDSA, needed),
    ES256: await signProofs(clients.ES256, htu, bound.ES256, needed),
  };
  // The same EdDSA client against the gateway whose replay claims go to a shared SQLite file.
  const sqliteProofs = await signProofs(
    clients.EdDSA,
    `${px.sqliteReplay}/bench`,
    bound.EdDSA,
    Math.min(100_000, 4_000 * seconds * rounds),
  );
  const next = { EdDSA: 0, ES256: 0, sqlite: 0 };

  // In-process, one at a time: raw jose verification of a DPoP proof (the inherent cost) against
  // the gateway's whole DPoP check of a fresh proof (signature, claims, thumbprint, replay claim).
  const inProcess: Record<string, number> = {};
  for (const alg of ['EdDSA', 'ES256'] as const) {
    const sample = proofs[alg][0] as string;
    inProcess[`jose_verify_${alg}_per_sec`] = await rate(() => jwtVerify(sample, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [alg] }));
    const verifier = new DpopVerifier({
      algorithms: ['EdDSA', 'ES256'],
      maxAgeSeconds: 300,
      replay: new MemoryJtiReplayStore(),
      requireNonce: false,
    });
    let i = 0;
    inProcess[`dpop_verifier_${alg}_per_sec`] = await rate(async () => {
      const r = await verifier.verify({
        proof: proofs[alg][i++ % proofs[alg].length],
        method: 'GET',
        url: htu,
        accessToken: bound[alg],
        jkt: clients[alg].jkt,
      });
      if (!r.ok) throw new Error(`bench proof refused: ${r.reason}`);
    });
  }

  const scenarios: [string, () => Promise<Result>][] = [
    ['direct', () => load('direct', `${upstream}/bench`)],
    ['bare proxy hop (checks off)', () => load('bare proxy hop (checks off)', `${px.bare}/bench`)],
    ['gateway, API key', () => load('gateway, API key', `${px.gateway}/bench`, { authorization: `Bearer ${px.key}` })],
    ['gateway, JWT', () => load('gateway, JWT', `${px.gateway}/bench`, { authorization: `Bearer ${px.jwt}` })],
    ...(['EdDSA', 'ES256'] as const).map((alg): [string, () => Promise<Result>] => [
      `gateway, DPoP (${alg} proofs)`,
      () =>
        load(`gateway, DPoP (${alg} proofs)`, `${px.gateway}/bench`, { authorization: `DPoP ${bound[alg]}` }, () => ({
          dpop: proofs[alg][next[alg]++ % proofs[alg].length] as string,
        })),
    ]),
    [
      'gateway, DPoP (EdDSA proofs, SQLite replay store)',
      () =>
        load(
          'gateway, DPoP (EdDSA proofs, SQLite replay store)',
          `${px.sqliteReplay}/bench`,
          { authorization: `DPoP ${bound.EdDSA}` },
          () => ({
            dpop: sqliteProofs[next.sqlite++ % sqliteProofs.length] as string,
          }),
        ),
    ],
    [
      'introspection on every request',
      () => load('introspection on every request', `${px.introspect}/bench`, { authorization: `Bearer ${px.opaque}` }),
    ],
    ['fastify app without plugin', () => load('fastify app without plugin', `${fx.plain}/bench`)],
    [
      'fastify app with plugin (API key)',
      () => load('fastify app with plugin (API key)', `${fx.plugin}/bench`, { authorization: `Bearer ${fx.key}` }),
    ],
  ];
  // Several rounds of every scenario; each ratio is taken within a round, and the report gives the
  // median over rounds.
  // Warm-up first (JIT, upstream pool connections), so that whichever scenario happens to hit a
  // process first does not pay for it; then every other round runs in reverse order, so slow drift
  // in the machine's load does not always favour the same side of a ratio.
  const warm = (url: string, headers: Record<string, string> = {}) => autocannon({ url, connections, duration: 1, headers });
  await warm(`${upstream}/bench`);
  await warm(`${px.bare}/bench`);
  await warm(`${px.gateway}/bench`, { authorization: `Bearer ${px.key}` });
  await warm(`${px.introspect}/bench`, { authorization: `Bearer ${px.opaque}` });
  await warm(`${fx.plain}/bench`);
  await warm(`${fx.plugin}/bench`, { authorization: `Bearer ${fx.key}` });
  const perRound: Result[][] = [];
  for (let r = 0; r < rounds; r++) {
    process.stderr.write(`round ${r + 1}/${rounds}\n`);
    const results: Result[] = [];
    const order = r % 2 === 0 ? scenarios : [...scenarios].reverse();
    for (const [, run] of order) results.push(await run());
    perRound.push(results);
  }

  const byName = (round: Result[], n: string) => round.find((r) => r.name === n) as Result;
  const ratioOf = (n: string, base: string) =>
    Number(median(perRound.map((round) => byName(round, n).requests_per_sec / byName(round, base).requests_per_sec)).toFixed(3));
  const bare = 'bare proxy hop (checks off)';
  const results = scenarios.map(([name]) => {
    const runs = perRound.map((round) => byName(round, name));
    return {
      name,
      requests_per_sec: Math.round(median(runs.map((r) => r.requests_per_sec))),
      p50_ms: median(runs.map((r) => r.p50_ms)),
      p99_ms: median(runs.map((r) => r.p99_ms)),
      non_2xx: runs.reduce((a, r) => a + r.non_2xx, 0),
      errors: runs.reduce((a, r) => a + r.errors, 0),
      rounds: runs.map((r) => r.requests_per_sec),
    };
  });
  const report = {
    when: new Date().toISOString(),
    command: 'node --conditions=source --import tsx bench/gateway/run.ts',
    machine: { cpus: cpus().length, loadavg_at_end: loadavg().map((l) => Number(l.toFixed(1))) },
    seconds_per_run: seconds,
    rounds,
    connections,
    results,
    in_process_one_at_a_time: inProcess,
    ratios: {
      bare_hop_vs_direct: ratioOf(bare, 'direct'),
      api_key_vs_bare_hop: ratioOf('gateway, API key', bare),
      jwt_vs_bare_hop: ratioOf('gateway, JWT', bare),
      dpop_eddsa_vs_bare_hop: ratioOf('gateway, DPoP (EdDSA proofs)', bare),
      dpop_es256_vs_bare_hop: ratioOf('gateway, DPoP (ES256 proofs)', bare),
      dpop_eddsa_sqlite_replay_vs_bare_hop: ratioOf('gateway, DPoP (EdDSA proofs, SQLite replay store)', bare),
      introspection_every_request_vs_bare_hop: ratioOf('introspection on every request', bare),
      plugin_vs_app_without: ratioOf('fastify app with plugin (API key)', 'fastify app without plugin'),
      dpop_verifier_vs_jose_verify_eddsa: Number(
        ((inProcess.dpop_verifier_EdDSA_per_sec ?? 0) / (inProcess.jose_verify_EdDSA_per_sec ?? 1)).toFixed(3),
      ),
      dpop_verifier_vs_jose_verify_es256: Number(
        ((inProcess.dpop_verifier_ES256_per_sec ?? 0) / (inProcess.jose_verify_ES256_per_sec ?? 1)).toFixed(3),
      ),
    },
    targets: {
      api_key_vs_bare_hop: 0.9,
      jwt_vs_bare_hop: 0.9,
      dpop_eddsa_vs_bare_hop: 0.5,
      dpop_es256_vs_bare_hop: 0.5,
      plugin_vs_app_without: 0.9,
    },
  };
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/gateway.json`, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`${JSON.stringify(report.ratios)}\n${JSON.stringify(inProcess)}\nwrote bench/results/gateway.json\n`);
}

try {
  await main();
} finally {
  for (const c of children) c.kill('SIGTERM');
}
