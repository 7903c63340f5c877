// The DPoP signature thread on and off, over HTTP, in one run: two `proxies` children (one with
// BENCH_SIGNATURE_THREAD=0, one with =1) behind one upstream, loaded in alternating order each
// round with fresh DPoP proofs, beside the bare hop fed the same requests. Prints req/s and CPU µs
// per request (load generator + upstream + that proxy child, every thread) per side, medians over
// rounds, and each side's ratios against the bare hop of the same round.
//   node --conditions=source --import tsx bench/gateway/thread-ab.ts [EdDSA|ES256] [rounds] [seconds]
import { buildPackages } from '../support/built-package.js';
import { child, childPids, dpopClient, load, median, type ProofAlg, type Result, signProofs, stopChildren } from './harness.js';

const alg = (process.argv[2] ?? 'EdDSA') as ProofAlg;
const rounds = Number(process.argv[3] ?? 5);
const seconds = Number(process.argv[4] ?? 3);
buildPackages(['gateway']);

type Proxies = { bare: string; gateway: string; bound: string[] };
// A child started with the thread setting in its environment (spawn passes process.env on).
async function proxiesWith(thread: '0' | '1', upstream: string, jkt: string): Promise<Proxies> {
  process.env.BENCH_SIGNATURE_THREAD = thread;
  return child<Proxies>(['proxies', upstream, jkt, jkt]);
}

try {
  const client = await dpopClient(alg);
  const up = await child<{ port: number }>(['upstream']);
  const upstream = `http://127.0.0.1:${up.port}`;
  const off = await proxiesWith('0', upstream, client.jkt);
  const on = await proxiesWith('1', upstream, client.jkt);
  const [upPid, offPid, onPid] = childPids() as [number, number, number];
  const perSide = 12_000 * seconds * rounds;
  const stream = (p: Proxies, url: string) => {
    const token = p.bound[0] as string;
    const proofs = signProofs(client, `${p.gateway}/bench`, token, perSide);
    let next = 0;
    return { url, token, next: () => ({ dpop: proofs[next++ % proofs.length] as string }) };
  };
  const sides = {
    bare: { pid: offPid, ...stream(off, `${off.bare}/bench`) },
    'thread off': { pid: offPid, ...stream(off, `${off.gateway}/bench`) },
    'thread on': { pid: onPid, ...stream(on, `${on.gateway}/bench`) },
  };
  type Side = keyof typeof sides;
  const names = Object.keys(sides) as Side[];
  const results: Record<Side, Result[]> = { bare: [], 'thread off': [], 'thread on': [] };
  for (const name of names) {
    const s = sides[name];
    await load(`warm ${name}`, s.url, 1, { authorization: `DPoP ${s.token}` }, s.next, [upPid, s.pid]);
  }
  for (let r = 0; r < rounds; r++) {
    // Rotate the order so no side always follows the same one.
    const order = names.map((_, i) => names[(i + r) % names.length] as Side);
    for (const name of order) {
      const s = sides[name];
      const res = await load(name, s.url, seconds, { authorization: `DPoP ${s.token}` }, s.next, [upPid, s.pid]);
      if (res.non_2xx > 0 || res.errors > 0) throw new Error(`${name}: refusals or errors`);
      results[name].push(res);
    }
  }
  for (const name of names) {
    const rs = results[name];
    const ratio = (f: (x: Result, b: Result) => number) => median(rs.map((x, i) => f(x, results.bare[i] as Result))).toFixed(3);
    process.stdout.write(
      `${alg} ${name.padEnd(10)} ${String(Math.round(median(rs.map((x) => x.requests_per_sec)))).padStart(6)} req/s, ` +
        `${median(rs.map((x) => x.cpu_us_per_request)).toFixed(1)} µs CPU/req; vs bare: req/s ${ratio((x, b) => x.requests_per_sec / b.requests_per_sec)}, ` +
        `CPU ${ratio((x, b) => b.cpu_us_per_request / x.cpu_us_per_request)}\n`,
    );
  }
} finally {
  await stopChildren();
}
