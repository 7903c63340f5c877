// Where one gateway scenario spends its CPU: runs the scenario's server child under --cpu-prof
// while autocannon loads it, then prints the functions with the most self time and the share of
// each package. A development aid next to run.ts (which gives the numbers that count):
//   node --conditions=source --import tsx bench/gateway/profile.ts dpop-eddsa [seconds]
// Scenarios: bare, bare-dpop, key, jwt, dpop-eddsa, dpop-es256, dpop-data-dir, introspect, plain, hooks (two
// empty Fastify hooks), plugin.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackages } from '../support/built-package.js';
import { child, childPids, cpuSecondsOf, dpopClient, load, type ProofAlg, type Result, signProofs, stopChildren } from './harness.js';

const scenario = process.argv[2] ?? 'dpop-eddsa';
const seconds = Number(process.argv[3] ?? 5);
const fastify = scenario === 'plain' || scenario === 'plugin' || scenario === 'hooks';
buildPackages(['gateway']);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

function report(file: string, requests: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  // Only the samples of the load run (the child stops right after it): start-up (module loading,
  // compiling) would otherwise be charged to the requests.
  const ends: number[] = [];
  let t = profile.startTime;
  for (const dt of profile.timeDeltas) {
    t += dt;
    ends.push(t);
  }
  const from = t - seconds * 1e6;
  profile.samples.forEach((id, i) => {
    if ((ends[i] ?? 0) < from) return;
    const node = byId.get(id) as ProfileNode;
    const dt = profile.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') return;
    total += dt;
    const where = url
      .replace(/^file:\/\//, '')
      .replace(/^.*\/node_modules\//, '~/')
      .replace(/^.*\/packages\//, '@/');
    const key = `${functionName || '(anonymous)'}  ${where.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const pkg = where.startsWith('~/')
      ? where
          .split('/')
          .slice(0, where.startsWith('~/@') ? 3 : 2)
          .join('/')
      : where.startsWith('@/')
        ? where.split('/').slice(0, 2).join('/')
        : where.startsWith('node:')
          ? 'node:'
          : where || functionName;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
  });
  const pct = (v: number) => `${((100 * v) / total).toFixed(1).padStart(5)}% ${(v / requests).toFixed(2).padStart(6)} µs/req`;
  process.stdout.write(`busy samples: ${(total / 1e6).toFixed(2)} s\n-- by package\n`);
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`${pct(v)}  ${k}\n`);
  process.stdout.write('-- self time\n');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) process.stdout.write(`${pct(v)}  ${k}\n`);
}

// CPU per request of each process (the load generator is this process), over one load run.
let requests = 1;
async function measured(run: () => Promise<Result>): Promise<void> {
  const pids = childPids();
  const before = pids.map(cpuSecondsOf);
  const self0 = process.cpuUsage();
  const r = await run();
  const after = pids.map(cpuSecondsOf);
  const self = process.cpuUsage(self0);
  requests = r.requests_per_sec * seconds;
  const us = (s: number) => ((s * 1e6) / requests).toFixed(1);
  process.stdout.write(
    `cpu µs/request: load generator ${us((self.user + self.system) / 1e6)}, ${['upstream', 'server'].map((n, i) => `${n} ${us((after[i] ?? 0) - (before[i] ?? 0))}`).join(', ')}\n`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'tw-gw-prof-'));
const prof = process.env.NO_PROFILE ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'];
try {
  const alg: ProofAlg = scenario === 'dpop-es256' ? 'ES256' : 'EdDSA';
  const client = await dpopClient(alg);
  const up = await child<{ port: number }>(['upstream']);
  const upstream = `http://127.0.0.1:${up.port}`;
  if (fastify) {
    const fx = await child<{ plain: string; plugin: string; hooks: string; key: string }>(['fastify'], prof);
    if (scenario === 'plain') await measured(() => load(scenario, `${fx.plain}/bench`, seconds));
    else if (scenario === 'hooks')
      await measured(() => load(scenario, `${fx.hooks}/bench`, seconds, { authorization: `Bearer ${fx.key}` }));
    else await measured(() => load(scenario, `${fx.plugin}/bench`, seconds, { authorization: `Bearer ${fx.key}` }));
  } else {
    const px = await child<Record<string, string> & { bound: string[] }>(['proxies', upstream, client.jkt, client.jkt], prof);
    const url = (name: string) => `${px[name]}/bench`;
    if (scenario === 'bare') await measured(() => load(scenario, url('bare'), seconds));
    else if (scenario === 'key') await measured(() => load(scenario, url('gateway'), seconds, { authorization: `Bearer ${px.key}` }));
    else if (scenario === 'jwt') await measured(() => load(scenario, url('gateway'), seconds, { authorization: `Bearer ${px.jwt}` }));
    else if (scenario === 'introspect')
      await measured(() => load(scenario, url('introspect'), seconds, { authorization: `Bearer ${px.opaque}` }));
    else {
      // bare-dpop: the bare hop fed the very requests of the DPoP scenario (what the headers cost).
      const target = scenario === 'dpop-data-dir' ? 'dataDirGateway' : scenario === 'bare-dpop' ? 'bare' : 'gateway';
      const token = px.bound[0] as string;
      const proofs = signProofs(client, url(target), token, 12_000 * seconds);
      let next = 0;
      await measured(() =>
        load(scenario, url(target), seconds, { authorization: `DPoP ${token}` }, () => ({ dpop: proofs[next++] as string })),
      );
    }
  }
} finally {
  await stopChildren();
}
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
// The largest profile is the main thread (tsx runs a loader thread too).
const sizes = files.map((f) => ({ f, n: readFileSync(join(dir, f)).length })).sort((a, b) => b.n - a.n);
if (sizes[0]) report(join(dir, sizes[0].f), requests);
