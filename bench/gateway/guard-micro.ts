// In-process cost of the guard's decision per request (no HTTP): CPU µs per decision, all threads.
//   node --import tsx bench/gateway/guard-micro.ts [dpop-eddsa|dpop-es256|jwt|key] [count]
// SIGNATURE_THREAD=1 or 0 turns the DPoP signature thread on or off (default: the config's auto).
import { GatewayGuard, parseGatewayConfig } from '@tokenwarden/gateway';
import { FakeCredentialSource } from '../../packages/gateway/test/support/fake-credential-source.js';
import { buildPackages } from '../support/built-package.js';
import { dpopClient, signProofs } from './harness.js';

buildPackages(['gateway']);
const scenario = process.argv[2] ?? 'dpop-eddsa';
const count = Number(process.argv[3] ?? 20_000);
const concurrency = Number(process.env.CONCURRENCY ?? 10);
const source = await FakeCredentialSource.create();
const config = parseGatewayConfig({ rate_limit: false, routes: [{ path: '/**', scopes: ['echo.read'] }] });
const thread = process.env.SIGNATURE_THREAD;
const guard = new GatewayGuard({
  source,
  config,
  publishAccess: () => {},
  ...(thread === undefined ? {} : { signatureThread: thread === '1' }),
});
await guard.start();
const base = { method: 'GET', target: '/bench', peer: '127.0.0.1', encrypted: false };
let headers: (i: number) => Record<string, string>;
if (scenario.startsWith('dpop')) {
  const client = await dpopClient(scenario === 'dpop-es256' ? 'ES256' : 'EdDSA');
  const token = (await source.issueJwt({ jkt: client.jkt })).token;
  const proofs = await signProofs(client, 'http://bench.test/bench', token, count + 100);
  headers = (i) => ({ host: 'bench.test', authorization: `DPoP ${token}`, dpop: proofs[i] as string });
} else {
  const auth = scenario === 'key' ? source.createKey().raw : (await source.issueJwt()).token;
  headers = () => ({ host: 'bench.test', authorization: `Bearer ${auth}` });
}
let next = 0;
const one = async () => {
  const d = await guard.decide({ ...base, headers: headers(next++) });
  if (!d.allow) throw new Error(`refused: ${d.refusal.reason}`);
  guard.finish(d, 200);
};
for (let i = 0; i < 50; i++) await one(); // warm-up
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) await one();
  }),
);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const n = next - 50;
process.stdout.write(
  `${scenario}: ${n} decisions, wall ${((wall * 1000) / n).toFixed(1)} µs, cpu ${((cpu.user + cpu.system) / n).toFixed(1)} µs per decision (concurrency ${concurrency})\n`,
);
await guard.close();
