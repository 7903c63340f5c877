// Two builds of the proxy side by side over HTTP in one run: two `proxies` children, each started
// with its own environment, behind one upstream, loaded in rotating order each round with fresh
// DPoP proofs, beside the bare hop (of the first child) fed the same requests. Prints req/s and CPU
// µs per request (load generator + upstream + that proxy child, every thread) per side, medians over
// rounds, and each side's ratios against the bare hop of the same round. Used by thread-ab.ts and
// ed25519-ab.ts.
import { buildPackages } from '../support/built-package.js';
import { child, childPids, dpopClient, load, median, type ProofAlg, type Result, signProofs, stopChildren } from './harness.js';

type Proxies = { bare: string; gateway: string; bound: string[] };

/**
 * Runs the A/B: `sides` names each proxy child and the environment it starts with.
 *
 * @example
 * ```ts
 * await proxyAb('EdDSA', 5, 3, { 'thread off': { BENCH_SIGNATURE_THREAD: '0' }, 'thread on': { BENCH_SIGNATURE_THREAD: '1' } });
 * ```
 */
export async function proxyAb(
  alg: ProofAlg,
  rounds: number,
  seconds: number,
  sides: Record<string, Record<string, string>>,
): Promise<void> {
  buildPackages(['gateway']);
  try {
    const client = await dpopClient(alg);
    const up = await child<{ port: number }>(['upstream']);
    const upstream = `http://127.0.0.1:${up.port}`;
    const proxies: Proxies[] = [];
    // Each child gets its side's environment (spawn passes process.env on).
    for (const env of Object.values(sides)) {
      Object.assign(process.env, env);
      proxies.push(await child<Proxies>(['proxies', upstream, client.jkt, client.jkt]));
    }
    const [upPid, ...proxyPids] = childPids() as number[];
    const perSide = 12_000 * seconds * rounds;
    const stream = (p: Proxies, url: string, pid: number) => {
      const token = p.bound[0] as string;
      const proofs = signProofs(client, `${p.gateway}/bench`, token, perSide);
      let next = 0;
      return { url, token, pid, next: () => ({ dpop: proofs[next++ % proofs.length] as string }) };
    };
    const first = proxies[0] as Proxies;
    const streams = new Map([['bare', stream(first, `${first.bare}/bench`, proxyPids[0] as number)]]);
    Object.keys(sides).forEach((name, i) => {
      const p = proxies[i] as Proxies;
      streams.set(name, stream(p, `${p.gateway}/bench`, proxyPids[i] as number));
    });
    const names = [...streams.keys()];
    const results = new Map<string, Result[]>(names.map((n) => [n, []]));
    for (const [name, s] of streams) {
      await load(`warm ${name}`, s.url, 1, { authorization: `DPoP ${s.token}` }, s.next, [upPid as number, s.pid]);
    }
    for (let r = 0; r < rounds; r++) {
      // Rotate the order so no side always follows the same one.
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + r) % names.length] as string;
        const s = streams.get(name) as NonNullable<ReturnType<typeof streams.get>>;
        const res = await load(name, s.url, seconds, { authorization: `DPoP ${s.token}` }, s.next, [upPid as number, s.pid]);
        if (res.non_2xx > 0 || res.errors > 0) throw new Error(`${name}: refusals or errors`);
        results.get(name)?.push(res);
      }
    }
    const bare = results.get('bare') as Result[];
    for (const name of names) {
      const rs = results.get(name) as Result[];
      const ratio = (f: (x: Result, b: Result) => number) => median(rs.map((x, i) => f(x, bare[i] as Result))).toFixed(3);
      process.stdout.write(
        `${alg} ${name.padEnd(10)} ${String(Math.round(median(rs.map((x) => x.requests_per_sec)))).padStart(6)} req/s, ` +
          `${median(rs.map((x) => x.cpu_us_per_request)).toFixed(1)} µs CPU/req; vs bare: req/s ${ratio((x, b) => x.requests_per_sec / b.requests_per_sec)}, ` +
          `CPU ${ratio((x, b) => b.cpu_us_per_request / x.cpu_us_per_request)}\n`,
      );
    }
  } finally {
    await stopChildren();
  }
}
