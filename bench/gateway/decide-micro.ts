// In-process cost of what the Fastify plugin and the Node middleware do per request, without
// HTTP: guardRequestOf + decide + finish in a tight synchronous loop (a cached API key, or with
// `jwt` a cached JWT access token), ns per request on the built package, so a profile of it shows
// the guard's own functions.
//   node --import tsx bench/gateway/decide-micro.ts [requests] [rounds] [key|jwt]
import type { IncomingMessage } from 'node:http';
import { GatewayGuard, guardRequestOf, parseGatewayConfig } from '@tokenwarden/gateway';
import { FakeCredentialSource } from '../../packages/gateway/test/support/fake-credential-source.js';
import { buildPackages } from '../support/built-package.js';
import { median } from './harness.js';

buildPackages(['gateway']);
const count = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const source = await FakeCredentialSource.create();
const config = parseGatewayConfig({ rate_limit: false, routes: [{ path: '/**', scopes: ['echo.read'] }] });
const guard = new GatewayGuard({ source, config, publishAccess: () => {} });
await guard.start();
const credentialKind = process.argv[4] === 'jwt' ? 'JWT' : 'API key';
const credential = credentialKind === 'JWT' ? (await source.issueJwt({ expiresIn: 3600 })).token : source.createKey().raw;
const req = {
  method: 'GET',
  url: '/bench',
  headers: { host: '127.0.0.1:3000', authorization: `Bearer ${credential}`, 'user-agent': 'bench', accept: '*/*' },
  socket: { remoteAddress: '127.0.0.1', encrypted: undefined },
} as unknown as IncomingMessage;

// The first presentation verifies (asynchronously); every later one is a cache hit.
const first = await guard.decide(guardRequestOf(req));
if (!first.allow) throw new Error(`refused: ${first.refusal.reason}`);

async function round(): Promise<number> {
  let cpu = 0;
  for (let i = 0; i < count; i++) {
    // Yield now and then, as a server would: the revocation view must stay fresh.
    if (i % 10_000 === 0) {
      if (i > 0) cpu += elapsed(t0);
      await new Promise((resolve) => setImmediate(resolve));
      t0 = process.cpuUsage();
    }
    const d = guard.decide(guardRequestOf(req));
    if (d instanceof Promise || !d.allow) throw new Error('not admitted synchronously');
    guard.finish(d, 200);
    // Let the access-event sink hand its batch over, as the event loop would between requests.
    if (i % 64 === 63) (guard.sink as unknown as { onTimer(): void }).onTimer();
  }
  cpu += elapsed(t0);
  return (cpu * 1000) / count;
}
let t0 = process.cpuUsage();
function elapsed(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return c.user + c.system;
}
await round();
const ns: number[] = [];
for (let r = 0; r < rounds; r++) ns.push(await round());
process.stdout.write(
  `decide+finish, cached ${credentialKind}: ${median(ns).toFixed(0)} ns/request (rounds ${ns.map((n) => n.toFixed(0)).join(' ')})\n`,
);
await guard.close();
