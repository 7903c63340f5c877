// Gateway benchmark: one command, one run, ratios against baselines measured in the same run.
//   node --conditions=source --import tsx bench/gateway/run.ts
// Writes bench/results/gateway.json. Each autocannon run is short (BENCH_SECONDS, default 3 s);
// every ratio is measured BENCH_ROUNDS times (default 3) as a pair of adjacent runs, baseline and
// scenario, and the report gives the median over rounds.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { EmbeddedJWK, jwtVerify } from 'jose';
import { DpopVerifier, MemoryJtiReplayStore } from '../../packages/gateway/src/index.js';
import { buildPackages } from '../support/built-package.js';
import {
  child,
  childPids,
  connections,
  dpopClient,
  load as loadFor,
  median,
  type Result,
  root,
  signProofs,
  stopChildren,
} from './harness.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
// Proofs signed ahead per DPoP scenario: enough for this rate over every round. A proof is good
// once, so running out would turn the rest of a run into fast 401s; the run fails instead.
const proofRate = Number(process.env.BENCH_PROOF_RATE ?? 12_000);
buildPackages(['gateway']);

// The server children a scenario's requests pass through (their CPU is counted with the load
// generator's): set once the children are up.
let serversOf: (name: string) => number[] = () => [];
const load = (name: string, url: string, headers: Record<string, string> = {}, perRequest?: () => Record<string, string>) =>
  loadFor(name, url, seconds, headers, perRequest, serversOf(name));

const bare = 'bare proxy hop (checks off)';
const plain = 'fastify app without plugin';
/** The name of the bare-hop run that receives the same requests as gateway scenario `name`. */
const bareHopFor = (name: string) => `bare proxy hop, same requests as "${name}"`;

// Verifications per second, one at a time, for one second or `max` calls (each proof is used once).
async function rate(verifyOne: (i: number) => Promise<unknown>, max = Number.POSITIVE_INFINITY): Promise<number> {
  let done = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1_000 && done < max) await verifyOne(done++);
  return Math.round(done / ((performance.now() - t0) / 1000));
}

async function main(): Promise<void> {
  const clients = { EdDSA: await dpopClient('EdDSA'), ES256: await dpopClient('ES256') };

  const up = await child<{ port: number }>(['upstream']);
  const upstream = `http://127.0.0.1:${up.port}`;
  const px = await child<{
    bare: string;
    gateway: string;
    introspect: string;
    dataDirGateway: string;
    key: string;
    jwt: string;
    bound: string[];
    opaque: string;
  }>(['proxies', upstream, clients.EdDSA.jkt, clients.ES256.jkt]);
  const fx = await child<{ plain: string; plugin: string; key: string }>(['fastify']);
  const [upPid, pxPid, fxPid] = childPids() as [number, number, number];
  serversOf = (name) => (name === 'direct' ? [upPid] : name.startsWith('fastify') ? [fxPid] : [upPid, pxPid]);

  const htu = `${px.gateway}/bench`;
  const needed = Math.ceil(proofRate * seconds * rounds);
  const bound = { EdDSA: px.bound[0] as string, ES256: px.bound[1] as string };
  const proofs = {
    EdDSA: signProofs(clients.EdDSA, htu, bound.EdDSA, needed),
    ES256: signProofs(clients.ES256, htu, bound.ES256, needed),
  };
  // The same EdDSA client against what `tokenwarden gateway --data` runs: replay claims shared by processes.
  const dataDirProofs = signProofs(clients.EdDSA, `${px.dataDirGateway}/bench`, bound.EdDSA, needed);

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
        proof: proofs[alg][i++],
        method: 'GET',
        url: htu,
        accessToken: bound[alg],
        jkt: clients[alg].jkt,
      });
      if (!r.ok) throw new Error(`bench proof refused: ${r.reason}`);
    }, proofs[alg].length);
  }

  // A scenario is a stream of requests sent to one server. Each gateway scenario is paired with
  // the bare hop receiving the very same stream (same headers, same per-request proofs, built the
  // same way by the load generator): the pair then differs only in TokenWarden's checks, not in
  // how many bytes the client writes and the proxy parses. The fastify plugin pair likewise sends
  // the same Authorization header to the app without the plugin (which ignores it).
  interface Scenario {
    name: string;
    url: string;
    headers?: Record<string, string>;
    /** Signed DPoP proofs, one per request in turn. */
    proofs?: string[];
  }
  // Each stream of proofs has a counter of its own that lasts over every round: the gateway's
  // stream never reuses a proof, and the bare hop's copy (which checks none) never takes one of
  // the gateway's.
  const inTurn = (list: string[]) => {
    let i = 0;
    return () => ({ dpop: list[i++ % list.length] as string });
  };
  const gatewayScenarios: Scenario[] = [
    { name: 'gateway, API key', url: `${px.gateway}/bench`, headers: { authorization: `Bearer ${px.key}` } },
    { name: 'gateway, JWT', url: `${px.gateway}/bench`, headers: { authorization: `Bearer ${px.jwt}` } },
    ...(['EdDSA', 'ES256'] as const).map(
      (alg): Scenario => ({
        name: `gateway, DPoP (${alg} proofs)`,
        url: `${px.gateway}/bench`,
        headers: { authorization: `DPoP ${bound[alg]}` },
        proofs: proofs[alg],
      }),
    ),
    {
      name: 'gateway --data, DPoP (EdDSA proofs, replay claims shared by processes)',
      url: `${px.dataDirGateway}/bench`,
      headers: { authorization: `DPoP ${bound.EdDSA}` },
      proofs: dataDirProofs,
    },
    { name: 'gateway --data, API key', url: `${px.dataDirGateway}/bench`, headers: { authorization: `Bearer ${px.key}` } },
    { name: 'introspection on every request', url: `${px.introspect}/bench`, headers: { authorization: `Bearer ${px.opaque}` } },
  ];
  const bareCopy = (s: Scenario): Scenario => ({ ...s, name: bareHopFor(s.name), url: `${px.bare}/bench` });
  const pluginHeaders = { authorization: `Bearer ${fx.key}` };
  const scenarios: Scenario[] = [
    { name: 'direct', url: `${upstream}/bench` },
    { name: bare, url: `${px.bare}/bench` },
    ...gatewayScenarios.flatMap((s) => [bareCopy(s), s]),
    { name: plain, url: `${fx.plain}/bench`, headers: pluginHeaders },
    { name: 'fastify app with plugin (API key)', url: `${fx.plugin}/bench`, headers: pluginHeaders },
  ];
  const allScenarios = scenarios.map((s): [string, () => Promise<Result>] => {
    const perRequest = s.proofs && inTurn(s.proofs);
    return [s.name, () => load(s.name, s.url, s.headers, perRequest)];
  });
  const run = new Map(allScenarios);
  // Each ratio is measured as a pair of adjacent runs (baseline, then the scenario; the other way
  // round every other round), so drift in the shared machine's load between the two sides of a
  // ratio stays small; the report gives the median over rounds.
  const allPairs: [string, string][] = [
    ['direct', bare],
    ...gatewayScenarios.map((s): [string, string] => [bareHopFor(s.name), s.name]),
    [plain, 'fastify app with plugin (API key)'],
  ];
  // BENCH_ONLY=DPoP,plugin (substrings of names) runs a subset for development: ratios on stderr,
  // nothing written.
  const only = process.env.BENCH_ONLY?.split(',');
  const pairs = only ? allPairs.filter(([, name]) => only.some((o) => name.includes(o))) : allPairs;
  // Warm-up first (JIT, upstream pool connections), so that whichever scenario happens to hit a
  // process first does not pay for it.
  const warm = (url: string, headers: Record<string, string> = {}) => autocannon({ url, connections, duration: 1, headers });
  await warm(`${upstream}/bench`);
  await warm(`${px.bare}/bench`);
  await warm(`${px.gateway}/bench`, { authorization: `Bearer ${px.key}` });
  await warm(`${px.introspect}/bench`, { authorization: `Bearer ${px.opaque}` });
  await warm(`${fx.plain}/bench`);
  await warm(`${fx.plugin}/bench`, { authorization: `Bearer ${fx.key}` });
  const measured: { base: Result; scenario: Result }[] = [];
  for (let r = 0; r < rounds; r++) {
    process.stderr.write(`round ${r + 1}/${rounds}\n`);
    for (const [base, name] of r % 2 === 0 ? pairs : [...pairs].reverse()) {
      const first = r % 2 === 0 ? base : name;
      const second = first === base ? name : base;
      const a = await (run.get(first) as () => Promise<Result>)();
      const b = await (run.get(second) as () => Promise<Result>)();
      measured.push(first === base ? { base: a, scenario: b } : { base: b, scenario: a });
    }
  }
  const ratiosOf = (n: string, base: string) =>
    measured.filter((m) => m.scenario.name === n && m.base.name === base).map((m) => m.scenario.requests_per_sec / m.base.requests_per_sec);
  if (only) {
    for (const [base, name] of pairs) {
      const cpu = measured
        .filter((m) => m.scenario.name === name && m.base.name === base)
        .map((m) => (m.base.cpu_us_per_request / m.scenario.cpu_us_per_request).toFixed(3));
      process.stderr.write(
        `${name.padEnd(50)} vs ${base}: ${ratiosOf(name, base)
          .map((x) => x.toFixed(3))
          .join(' ')}  by cpu: ${cpu.join(' ')}\n`,
      );
    }
    return;
  }
  const ratioOf = (n: string, base: string) => Number(median(ratiosOf(n, base)).toFixed(3));
  // The same pairs by CPU: baseline CPU per request over the scenario's, every process of the path
  // counted. With every process CPU-bound on the two cores this is the throughput ratio, and other
  // work on the machine moves it far less than it moves req/s.
  const cpuRatioOf = (n: string, base: string) =>
    Number(
      median(
        measured
          .filter((m) => m.scenario.name === n && m.base.name === base)
          .map((m) => m.base.cpu_us_per_request / m.scenario.cpu_us_per_request),
      ).toFixed(3),
    );
  const vsBare = (n: string) => ratioOf(n, bareHopFor(n));
  const cpuVsBare = (n: string) => cpuRatioOf(n, bareHopFor(n));
  const results = allScenarios.map(([name]) => {
    const runs = measured.flatMap((m) => [m.base, m.scenario]).filter((r) => r.name === name);
    return {
      name,
      requests_per_sec: Math.round(median(runs.map((r) => r.requests_per_sec))),
      p50_ms: median(runs.map((r) => r.p50_ms)),
      p99_ms: median(runs.map((r) => r.p99_ms)),
      cpu_us_per_request: median(runs.map((r) => r.cpu_us_per_request)),
      non_2xx: runs.reduce((a, r) => a + r.non_2xx, 0),
      errors: runs.reduce((a, r) => a + r.errors, 0),
      runs: runs.map((r) => r.requests_per_sec),
    };
  });
  const report = {
    when: new Date().toISOString(),
    command: 'node --conditions=source --import tsx bench/gateway/run.ts',
    machine: { cpus: cpus().length, loadavg_at_end: loadavg().map((l) => Number(l.toFixed(1))) },
    seconds_per_run: seconds,
    rounds,
    measurement:
      "each ratio from adjacent runs (baseline, scenario), order alternating by round; median over rounds. A gateway scenario's baseline is the bare hop fed the very same requests (headers and per-request DPoP proofs); the plain Fastify app gets the plugin run's Authorization header",
    connections,
    results,
    in_process_one_at_a_time: inProcess,
    ratios: {
      bare_hop_vs_direct: ratioOf(bare, 'direct'),
      api_key_vs_bare_hop: vsBare('gateway, API key'),
      jwt_vs_bare_hop: vsBare('gateway, JWT'),
      dpop_eddsa_vs_bare_hop: vsBare('gateway, DPoP (EdDSA proofs)'),
      dpop_es256_vs_bare_hop: vsBare('gateway, DPoP (ES256 proofs)'),
      dpop_eddsa_data_dir_vs_bare_hop: vsBare('gateway --data, DPoP (EdDSA proofs, replay claims shared by processes)'),
      api_key_data_dir_vs_bare_hop: vsBare('gateway --data, API key'),
      introspection_every_request_vs_bare_hop: vsBare('introspection on every request'),
      plugin_vs_app_without: ratioOf('fastify app with plugin (API key)', 'fastify app without plugin'),
      dpop_verifier_vs_jose_verify_eddsa: Number(
        ((inProcess.dpop_verifier_EdDSA_per_sec ?? 0) / (inProcess.jose_verify_EdDSA_per_sec ?? 1)).toFixed(3),
      ),
      dpop_verifier_vs_jose_verify_es256: Number(
        ((inProcess.dpop_verifier_ES256_per_sec ?? 0) / (inProcess.jose_verify_ES256_per_sec ?? 1)).toFixed(3),
      ),
    },
    cpu_ratios: {
      note: 'baseline CPU µs per request / scenario CPU µs per request (load generator + servers on the path), median over rounds',
      bare_hop_vs_direct: cpuRatioOf(bare, 'direct'),
      api_key_vs_bare_hop: cpuVsBare('gateway, API key'),
      jwt_vs_bare_hop: cpuVsBare('gateway, JWT'),
      dpop_eddsa_vs_bare_hop: cpuVsBare('gateway, DPoP (EdDSA proofs)'),
      dpop_es256_vs_bare_hop: cpuVsBare('gateway, DPoP (ES256 proofs)'),
      dpop_eddsa_data_dir_vs_bare_hop: cpuVsBare('gateway --data, DPoP (EdDSA proofs, replay claims shared by processes)'),
      api_key_data_dir_vs_bare_hop: cpuVsBare('gateway --data, API key'),
      introspection_every_request_vs_bare_hop: cpuVsBare('introspection on every request'),
      plugin_vs_app_without: cpuRatioOf('fastify app with plugin (API key)', 'fastify app without plugin'),
    },
    targets: {
      api_key_vs_bare_hop: 0.9,
      jwt_vs_bare_hop: 0.9,
      dpop_eddsa_vs_bare_hop: 0.5,
      dpop_es256_vs_bare_hop: 0.5,
      dpop_eddsa_data_dir_vs_bare_hop: 0.5,
      api_key_data_dir_vs_bare_hop: 0.9,
      plugin_vs_app_without: 0.9,
    },
  };
  // A refused request is cheap: a run with refusals (proofs ran out, a replay) measured something else.
  const invalid = results.filter((r) => r.non_2xx > 0 || r.errors > 0).map((r) => r.name);
  if (invalid.length > 0) {
    process.stderr.write(`not written: refusals or errors in ${invalid.join('; ')} (raise BENCH_PROOF_RATE?)\n`);
    process.exitCode = 1;
    return;
  }
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/gateway.json`, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(
    `${JSON.stringify(report.ratios)}\n${JSON.stringify(report.cpu_ratios)}\n${JSON.stringify(inProcess)}\nwrote bench/results/gateway.json\n`,
  );
}

try {
  await main();
} finally {
  await stopChildren();
}
