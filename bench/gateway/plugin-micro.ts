// In-process cost of the Fastify plugin per request: the same app with and without it, driven by
// inject (no sockets), in alternating batches; prints CPU µs per request of each and the difference.
//   node --import tsx bench/gateway/plugin-micro.ts [requests per batch] [batches]
import { GatewayGuard, parseGatewayConfig } from '@tokenwarden/gateway';
import { FakeCredentialSource } from '../../packages/gateway/test/support/fake-credential-source.js';
import { buildPackages } from '../support/built-package.js';
import { buildFastifyBenchApps } from './fastify-apps.js';
import { median } from './harness.js';

buildPackages(['gateway']);
const perBatch = Number(process.argv[2] ?? 20_000);
const batches = Number(process.argv[3] ?? 6);
const source = await FakeCredentialSource.create();
const config = parseGatewayConfig({ rate_limit: false, routes: [{ path: '/**', scopes: ['echo.read'] }] });
let delivered = 0;
const publishAccess = (batch: readonly unknown[]): void => {
  delivered += batch.length;
};
const guard = new GatewayGuard({ source, config, publishAccess });
await guard.start();
const { plain, plugin: guarded, hooks: hooksOnly } = await buildFastifyBenchApps(guard);
const headers = { authorization: `Bearer ${source.createKey().raw}`, 'user-agent': 'bench' };

async function batch(app: typeof plain): Promise<number> {
  const c0 = process.cpuUsage();
  for (let i = 0; i < perBatch; i++) {
    const r = await app.inject({ method: 'GET', url: '/bench', headers, remoteAddress: '127.0.0.1' });
    if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}: ${r.body}`);
    // Let the access-event sink drain (inject resolves without ever reaching the check phase).
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / perBatch;
}

const costs = { plain: [] as number[], plugin: [] as number[], hooks: [] as number[] };
await batch(plain);
await batch(guarded);
for (let b = 0; b < batches; b++) {
  costs.plain.push(await batch(plain));
  costs.plugin.push(await batch(guarded));
  costs.hooks.push(await batch(hooksOnly));
}
const p = median(costs.plain);
const g = median(costs.plugin);
const h = median(costs.hooks);
process.stdout.write(
  `cpu µs/request (median of ${batches}): without ${p.toFixed(2)}, with plugin ${g.toFixed(2)} (+${(g - p).toFixed(2)}), two empty hooks +${(h - p).toFixed(2)} (${delivered} events)\n`,
);
