// The Fastify plugin under autocannon, split by process: the same app without the plugin, with it,
// and with two empty hooks, loaded in rotating order each round with the same Authorization header;
// prints each side's req/s and the CPU µs per request of the load generator (this process) and of
// the app's process separately, medians over rounds, and each side's ratios against the plain app
// of the same round. run.ts reports only the sum; this tells which process a cost lands on.
//   node --conditions=source --import tsx bench/gateway/plugin-ab.ts [rounds] [seconds]
import autocannon from 'autocannon';
import { buildPackages } from '../support/built-package.js';
import { child, childPids, connections, cpuSecondsOf, median, stopChildren } from './harness.js';

const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 3);
buildPackages(['gateway']);

interface Sample {
  rps: number;
  generator: number;
  app: number;
}

try {
  const fx = await child<{ plain: string; plugin: string; hooks: string; key: string }>(['fastify']);
  const [pid] = childPids() as [number];
  const headers = { authorization: `Bearer ${fx.key}` };
  const sides = { plain: fx.plain, plugin: fx.plugin, hooks: fx.hooks };
  type Side = keyof typeof sides;
  const names = Object.keys(sides) as Side[];
  const samples: Record<Side, Sample[]> = { plain: [], plugin: [], hooks: [] };
  const once = async (url: string, duration: number): Promise<Sample> => {
    const app0 = cpuSecondsOf(pid);
    const self0 = process.cpuUsage();
    const r = await autocannon({ url: `${url}/bench`, connections, duration, headers });
    const self = process.cpuUsage(self0);
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: refusals or errors`);
    const n = Math.max(1, r.requests.total);
    return { rps: r.requests.average, generator: (self.user + self.system) / n, app: ((cpuSecondsOf(pid) - app0) * 1e6) / n };
  };
  for (const name of names) await once(sides[name], 1);
  for (let r = 0; r < rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length] as Side);
    for (const name of order) samples[name].push(await once(sides[name], seconds));
  }
  const plain = samples.plain;
  for (const name of names) {
    const s = samples[name];
    const m = (f: (x: Sample) => number) => median(s.map(f));
    const vs = (f: (x: Sample, b: Sample) => number) => median(s.map((x, i) => f(x, plain[i] as Sample))).toFixed(3);
    process.stdout.write(
      `${name.padEnd(7)} ${String(Math.round(m((x) => x.rps))).padStart(6)} req/s; CPU µs/req: generator ${m((x) => x.generator).toFixed(2)}, app ${m((x) => x.app).toFixed(2)}; ` +
        `vs plain: req/s ${vs((x, b) => x.rps / b.rps)}, app CPU ${vs((x, b) => b.app / x.app)}, all CPU ${vs((x, b) => (b.app + b.generator) / (x.app + x.generator))}\n`,
    );
  }
} finally {
  await stopChildren();
}
