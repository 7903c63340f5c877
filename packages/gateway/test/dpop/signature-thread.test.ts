// DPoP signatures verified on a second thread when several wait at once: the same answers as on the
// event loop for every algorithm and every kind of bad proof, a lone proof kept on the event loop, a
// dead thread's work done on the event loop, replays still refused inside one batch, and a process
// that can exit with the thread idle.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { after, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { DpopProofReader, type ReadProof } from '../../src/dpop-proof.js';
import { DpopVerifier } from '../../src/dpop-verifier.js';
import { MemoryJtiReplayStore } from '../../src/jti-replay-store.js';
import { SignatureThread } from '../../src/signature-thread.js';
import { guardHarness } from '../support/guard-harness.js';
import { runModule } from '../support/run-module.js';

type Alg = 'EdDSA' | 'ES256' | 'ES384' | 'PS256' | 'RS256';
const ALGS: Alg[] = ['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'];
const options = { algorithms: ALGS, maxAgeSeconds: 300 };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function keyPair(alg: Alg): { privateKey: KeyObject; jwk: Record<string, unknown> } {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : alg === 'ES384'
          ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
          : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

let jti = 0;
function proofOf(alg: Alg, k: ReturnType<typeof keyPair>, claims: Record<string, unknown> = {}): string {
  const input = `${b64({ alg, typ: 'dpop+jwt', jwk: k.jwk })}.${b64({ jti: `j${jti++}`, htm: 'GET', htu: 'https://api.test/x', iat: Math.floor(Date.now() / 1000), ...claims })}`;
  const digest = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const signer = alg.startsWith('ES')
    ? { key: k.privateKey, dsaEncoding: 'ieee-p1363' as const }
    : alg === 'PS256'
      ? { key: k.privateKey, padding: 6, saltLength: 32 }
      : k.privateKey;
  return `${input}.${sign(digest, Buffer.from(input), signer).toString('base64url')}`;
}

// A valid proof and its mis-signed variants: a flipped signature bit, another key's signature over
// the same header, a signature over another payload.
function proofSet(alg: Alg): string[] {
  const k = keyPair(alg);
  const other = keyPair(alg);
  const good = proofOf(alg, k);
  const [h, p, s] = good.split('.') as [string, string, string];
  const flipped = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
  const [, , otherSig] = proofOf(alg, other).split('.') as [string, string, string];
  const [, p2] = proofOf(alg, k).split('.') as [string, string];
  return [good, flipped, `${h}.${p}.${otherSig}`, `${h}.${p2}.${s}`, proofOf(alg, k)];
}

const outcome = (r: ReadProof) => (r.ok ? `ok ${r.thumbprint}` : r.reason);
const workerOf = (thread: SignatureThread) => (thread as unknown as { ring: { worker: Worker } | undefined }).ring?.worker;

describe('DPoP signatures on a signature thread', () => {
  const threads: SignatureThread[] = [];
  const newThread = () => {
    const t = new SignatureThread();
    threads.push(t);
    return t;
  };
  after(() => {
    for (const t of threads) t.close();
  });

  it('gives the same answers as the event loop for every algorithm and mis-signed proof, read in one batch', async () => {
    const proofs = ALGS.flatMap(proofSet);
    const thread = new SignatureThread({ maxBacklog: 64 });
    threads.push(thread);
    const threaded = new DpopProofReader({ ...options, signatureThread: thread });
    const expected = await Promise.all(proofs.map((p) => new DpopProofReader(options).read(p)));
    const got = await Promise.all(proofs.map((p) => threaded.read(p)));
    assert.deepEqual(got.map(outcome), expected.map(outcome));
    assert.equal(expected.filter((r) => r.ok).length, ALGS.length * 2, 'two good proofs per algorithm');
    assert.ok(thread.offloaded >= proofs.length - 1, `only ${thread.offloaded} of ${proofs.length} went to the thread`);
  });

  it('keeps a lone proof on the event loop', async () => {
    const thread = newThread();
    const reader = new DpopProofReader({ ...options, signatureThread: thread });
    const [good] = proofSet('EdDSA');
    assert.ok((await reader.read(good as string)).ok);
    assert.equal(thread.offloaded, 0);
    assert.equal(workerOf(thread), undefined, 'no thread was started for it');
  });

  it('verifies on the event loop what a dead thread took, and keeps working without it', async () => {
    const thread = newThread();
    const reader = new DpopProofReader({ ...options, signatureThread: thread });
    const proofs = [...proofSet('EdDSA'), ...proofSet('ES256')];
    const pending = Promise.all(proofs.map((p) => reader.read(p)));
    await new Promise((resolve) => setImmediate(resolve)); // the batch has been handed over
    const worker = workerOf(thread);
    assert.ok(worker, 'the batch went to a thread');
    await worker.terminate();
    const expected = await Promise.all(proofs.map((p) => new DpopProofReader(options).read(p)));
    assert.deepEqual((await pending).map(outcome), expected.map(outcome));
    const before = thread.offloaded;
    const again = await Promise.all(proofSet('EdDSA').map((p) => reader.read(p)));
    assert.equal(again.filter((r) => r.ok).length, 2);
    assert.equal(thread.offloaded, before, 'nothing more was sent to a dead thread');
  });

  it('sends a key again after forgetting it', async () => {
    const thread = newThread();
    const k = keyPair('EdDSA');
    const verifyKey = { key: (await import('node:crypto')).createPublicKey({ key: k.jwk as never, format: 'jwk' }), digest: null };
    const data = Buffer.from('signed bytes');
    const signature = sign(null, data, k.privateKey);
    const batch = () => Promise.all([0, 1, 2].map(() => thread.verify(7, verifyKey, data, signature)));
    assert.deepEqual(await batch(), [true, true, true]);
    thread.forget(7);
    assert.deepEqual(await batch(), [true, true, true]);
    assert.ok(thread.offloaded >= 4);
  });

  it('refuses the replay of a proof sent twice in one batch', async () => {
    const thread = newThread();
    const verifier = new DpopVerifier({ ...options, replay: new MemoryJtiReplayStore(), requireNonce: false, signatureThread: thread });
    const k = keyPair('EdDSA');
    const accessToken = 'at-1';
    const ath = createHash('sha256').update(accessToken).digest('base64url');
    const jkt = createHash('sha256')
      .update(JSON.stringify({ crv: k.jwk.crv, kty: k.jwk.kty, x: k.jwk.x }))
      .digest('base64url');
    const proof = proofOf('EdDSA', k, { ath });
    const others = [1, 2, 3].map(() => proofOf('EdDSA', k, { ath }));
    const check = (p: string) => verifier.verify({ proof: p, method: 'GET', url: 'https://api.test/x', accessToken, jkt });
    const results = await Promise.all([proof, ...others, proof, proof].map(check));
    assert.equal(thread.offloaded > 0, true);
    const outcomes = results.map((r) => (r.ok ? 'ok' : r.reason));
    // The others all pass; of the three copies exactly one does, whichever signature was answered
    // first (the event loop may take the newest jobs back from the thread, so not always the first).
    assert.deepEqual([outcomes[1], outcomes[2], outcomes[3]], ['ok', 'ok', 'ok']);
    assert.deepEqual([outcomes[0], outcomes[4], outcomes[5]].sort(), ['ok', 'replayed proof', 'replayed proof']);
  });

  it('is on or off by the config, and with auto on a machine of 2 or more CPUs', async () => {
    for (const [setting, expected] of [
      [true, true],
      [false, false],
      ['auto', availableParallelism() >= 2],
    ] as const) {
      const h = await guardHarness({ dpop: { signature_thread: setting } });
      assert.equal(h.guard.signatureThread !== undefined, expected, String(setting));
      await h.guard.close();
    }
    const h = await guardHarness({ dpop: { signature_thread: false } }, { signatureThread: true });
    assert.ok(h.guard.signatureThread, 'the option overrides the config');
    await h.guard.close();
  });

  it('lets the process exit while the thread is idle', async () => {
    const code = `
      import { generateKeyPairSync, sign } from 'node:crypto';
      import { SignatureThread } from './packages/gateway/src/signature-thread.ts';
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const data = Buffer.from('x');
      const signature = sign(null, data, privateKey);
      const thread = new SignatureThread();
      const answers = await Promise.all([1, 2, 3].map(() => thread.verify(1, { key: publicKey, digest: null }, data, signature)));
      process.stdout.write(JSON.stringify({ answers, offloaded: thread.offloaded }));
    `;
    const out = JSON.parse(await runModule(code, [])) as { answers: boolean[]; offloaded: number };
    assert.deepEqual(out, { answers: [true, true, true], offloaded: 3 });
  });
});
