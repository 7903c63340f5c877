// The Fastify plugin's cost per request over real HTTP, in one process: the same app with and
// without the plugin (and with two empty hooks), each fed identical pipelined requests carrying the
// same Authorization header by a minimal raw-socket client, in alternating rounds; prints the
// process's CPU µs per request for each and the median per-round difference. The client's share is
// the same on every side, so the difference is what the plugin adds to a real request (parsing,
// Fastify's hook, the guard, the 'finish' listener, the access event), without autocannon and
// without the noise of a second process competing for the two cores.
//   node --import tsx bench/gateway/plugin-http-micro.ts [requests per round] [rounds]
import { type AddressInfo, connect } from 'node:net';
import { GatewayGuard, parseGatewayConfig } from '@tokenwarden/gateway';
import { FakeCredentialSource } from '../../packages/gateway/test/support/fake-credential-source.js';
import { buildPackages } from '../support/built-package.js';
import { buildFastifyBenchApps } from './fastify-apps.js';
import { median } from './harness.js';

buildPackages(['gateway']);
const perRound = Number(process.argv[2] ?? 40_000);
const rounds = Number(process.argv[3] ?? 11);
const connections = 4;
const inFlight = 16; // pipelined requests per connection
const source = await FakeCredentialSource.create();
const config = parseGatewayConfig({ rate_limit: false, routes: [{ path: '/bench', scopes: ['echo.read'] }] });
let delivered = 0;
const guard = new GatewayGuard({
  source,
  config,
  publishAccess: (batch) => {
    delivered += batch.length;
  },
});
await guard.start();
const apps = await buildFastifyBenchApps(guard);
for (const app of Object.values(apps)) await app.listen({ port: 0, host: '127.0.0.1' });
const request = Buffer.from(
  `GET /bench HTTP/1.1\r\nhost: 127.0.0.1\r\nuser-agent: bench\r\naccept: */*\r\nauthorization: Bearer ${source.createKey().raw}\r\n\r\n`,
);

// Sends `count` requests over `connections` sockets, `inFlight` at a time each; resolves with the
// CPU µs per request of this whole process (server and client).
async function round(port: number, count: number): Promise<number> {
  const c0 = process.cpuUsage();
  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const share = Math.floor(count / connections);
          let sent = 0;
          let done = 0;
          let carry = '';
          const socket = connect(port, '127.0.0.1', () => {
            const first = Math.min(inFlight, share);
            socket.write(Buffer.concat(Array.from({ length: first }, () => request)));
            sent = first;
          });
          socket.setNoDelay(true);
          socket.on('data', (chunk: Buffer) => {
            // Count status lines (a split one is completed by the carried tail of the last chunk).
            const text = carry + chunk.toString('latin1');
            let n = 0;
            for (let i = text.indexOf('HTTP/1.1 200'); i !== -1; i = text.indexOf('HTTP/1.1 200', i + 12)) n++;
            if (text.includes('HTTP/1.1 4') || text.includes('HTTP/1.1 5')) reject(new Error('refused'));
            carry = text.slice(-11);
            done += n;
            const more = Math.min(n, share - sent);
            if (more > 0) {
              socket.write(more === 1 ? request : Buffer.concat(Array.from({ length: more }, () => request)));
              sent += more;
            }
            if (done >= share) {
              socket.end();
              resolve();
            }
          });
          socket.on('error', reject);
        }),
    ),
  );
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / count;
}

const port = (app: (typeof apps)['plain']) => (app.server.address() as AddressInfo).port;
const sides = { plain: port(apps.plain), plugin: port(apps.plugin), hooks: port(apps.hooks) };
const cpu: Record<keyof typeof sides, number[]> = { plain: [], plugin: [], hooks: [] };
for (const p of Object.values(sides)) await round(p, perRound); // warm-up
for (let r = 0; r < rounds; r++) {
  const order = (r % 2 === 0 ? ['plain', 'plugin', 'hooks'] : ['hooks', 'plugin', 'plain']) as (keyof typeof sides)[];
  for (const side of order) cpu[side].push(await round(sides[side], perRound));
}
const diff = (side: keyof typeof sides) => median(cpu[side].map((x, i) => x - (cpu.plain[i] as number)));
process.stdout.write(
  `cpu µs/request, median of ${rounds} rounds: without ${median(cpu.plain).toFixed(2)}, with plugin ${median(cpu.plugin).toFixed(2)} ` +
    `(per-round difference +${diff('plugin').toFixed(2)}), two empty hooks (+${diff('hooks').toFixed(2)}); ` +
    `plugin / without by CPU ${median(cpu.plain.map((x, i) => x / (cpu.plugin[i] as number))).toFixed(3)} (${delivered} events)\n`,
);
for (const app of Object.values(apps)) await app.close();
await guard.close();
