// Where a DPoP request's CPU goes beyond the signature, layer by layer, in one process: the raw
// node:crypto verify of each proof (with its base64url and latin1 conversions), DpopProofReader.read,
// DpopVerifier.verify (claims, ath, htu, replay claim) and the guard's whole synchronous decision
// (plus its access-event record), each fed fresh proofs in interleaved rounds, and the guard's
// decision on a cached bearer JWT followed by a raw verify (the guard without DPoP); prints the median
// CPU µs per proof of each layer and its median difference from the raw verify of the same round.
//   node --import tsx bench/gateway/dpop-layers-micro.ts [EdDSA|ES256] [rounds]
import { createPublicKey, verify } from 'node:crypto';
import { DpopVerifier, GatewayGuard, MemoryJtiReplayStore, parseGatewayConfig } from '@tokenwarden/gateway';
// Not exported by the package: the built module itself.
import { DpopProofReader } from '../../packages/gateway/dist/dpop-proof.js';
import { FakeCredentialSource } from '../../packages/gateway/test/support/fake-credential-source.js';
import { buildPackages } from '../support/built-package.js';
import { dpopClient, median, type ProofAlg, signProofs } from './harness.js';

buildPackages(['gateway']);
const alg = (process.argv[2] ?? 'ES256') as ProofAlg;
const rounds = Number(process.argv[3] ?? 20);
const perRound = 200;
const source = await FakeCredentialSource.create();
const config = parseGatewayConfig({ rate_limit: false, routes: [{ path: '/**', scopes: ['echo.read'] }] });
const guard = new GatewayGuard({ source, config, publishAccess: () => {}, signatureThread: false });
await guard.start();
const client = await dpopClient(alg);
const token = (await source.issueJwt({ jkt: client.jkt })).token;
const htu = 'http://bench.test/bench';
const layers = ['raw', 'reader', 'verifier', 'guard', 'bearer'] as const;
type Layer = (typeof layers)[number];
const proofs = signProofs(client, htu, token, (rounds + 2) * perRound * layers.length + 10);
let next = 0;
const key = createPublicKey({ key: client.jwk as never, format: 'jwk' });
const input = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
const digest = alg === 'ES256' ? 'sha256' : null;
const reader = new DpopProofReader({ algorithms: [alg], maxAgeSeconds: 300 });
const verifier = new DpopVerifier({ algorithms: [alg], maxAgeSeconds: 300, replay: new MemoryJtiReplayStore(), requireNonce: false });
const base = { method: 'GET', target: '/bench', peer: '127.0.0.1', encrypted: false };
const headers = () => ({ host: 'bench.test', authorization: `DPoP ${token}`, dpop: proofs[next++] as string });
await guard.decide({ ...base, headers: headers() }); // the token's verification is cached from here on
const plainJwt = (await source.issueJwt()).token;
const bearerHeaders = { host: 'bench.test', authorization: `Bearer ${plainJwt}` };
await guard.decide({ ...base, headers: bearerHeaders });
const one: Record<Layer, () => boolean> = {
  raw: () => {
    const p = proofs[next++] as string;
    const dot = p.lastIndexOf('.');
    return verify(digest, Buffer.from(p.slice(0, dot), 'latin1'), input, Buffer.from(p.slice(dot + 1), 'base64url'));
  },
  reader: () => {
    const r = reader.read(proofs[next++] as string);
    return !(r instanceof Promise) && r.ok;
  },
  verifier: () => {
    const r = verifier.verify({ proof: proofs[next++], method: 'GET', url: htu, accessToken: token, jkt: client.jkt });
    return !(r instanceof Promise) && r.ok;
  },
  guard: () => {
    const d = guard.decide({ ...base, headers: headers() });
    if (d instanceof Promise || !d.allow) return false;
    guard.finish(d, 200);
    return true;
  },
  // The same guard on a cached bearer JWT, plus one raw verify: the guard's cost without DPoP.
  bearer: () => {
    const d = guard.decide({ ...base, headers: { ...bearerHeaders } });
    if (d instanceof Promise || !d.allow) return false;
    guard.finish(d, 200);
    return one.raw();
  },
};
const cpu: Record<Layer, number[]> = { raw: [], reader: [], verifier: [], guard: [], bearer: [] };
for (let r = 0; r < rounds + 2; r++) {
  for (const layer of r % 2 === 0 ? layers : [...layers].reverse()) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < perRound; i++) if (!one[layer]()) throw new Error(`${layer}: proof refused`);
    const c = process.cpuUsage(c0);
    if (r >= 2) cpu[layer].push((c.user + c.system) / perRound);
  }
  await new Promise((resolve) => setImmediate(resolve)); // the access-event batch is handed over
}
for (const layer of layers) {
  const extra = median(cpu[layer].map((x, i) => x - (cpu.raw[i] as number)));
  process.stdout.write(
    `${alg} ${layer.padEnd(8)} ${median(cpu[layer]).toFixed(1).padStart(6)} µs CPU per proof, +${extra.toFixed(1)} over raw\n`,
  );
}
await guard.close();
