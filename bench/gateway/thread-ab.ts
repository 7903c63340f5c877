// The DPoP signature thread on and off, over HTTP, in one run (see proxy-ab.ts):
//   node --conditions=source --import tsx bench/gateway/thread-ab.ts [EdDSA|ES256] [rounds] [seconds]
import type { ProofAlg } from './harness.js';
import { proxyAb } from './proxy-ab.js';

await proxyAb((process.argv[2] ?? 'EdDSA') as ProofAlg, Number(process.argv[3] ?? 5), Number(process.argv[4] ?? 3), {
  'thread off': { BENCH_SIGNATURE_THREAD: '0' },
  'thread on': { BENCH_SIGNATURE_THREAD: '1' },
});
