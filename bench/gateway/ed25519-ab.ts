// Ed25519 DPoP proofs verified by node:crypto (OpenSSL) and by libsodium, over HTTP, in one run,
// the signature thread off on both sides (see proxy-ab.ts):
//   node --conditions=source --import tsx bench/gateway/ed25519-ab.ts [rounds] [seconds]
import { proxyAb } from './proxy-ab.js';

await proxyAb('EdDSA', Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 3), {
  openssl: { BENCH_SIGNATURE_THREAD: '0', TOKENWARDEN_ED25519: 'openssl' },
  libsodium: { BENCH_SIGNATURE_THREAD: '0', TOKENWARDEN_ED25519: 'sodium' },
});
