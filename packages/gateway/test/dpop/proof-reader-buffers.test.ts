// The proof reader reuses one buffer for the bytes it decodes and verifies, and remembers the header
// it read last: proofs of two clients read in turn keep their own keys, a proof too large for the
// buffer still verifies, and a header dropped from the cache while the signature thread held its
// key is checked again (its key sent again) rather than verified against a key the thread forgot.
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { DpopProofReader, type ReadProof } from '../../src/dpop-proof.js';
import { SignatureThread } from '../../src/signature-thread.js';

const options = { algorithms: ['EdDSA', 'RS256'], maxAgeSeconds: 300 };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
let jti = 0;

function client(alg: 'EdDSA' | 'RS256') {
  const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { alg, privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

function proofOf(c: ReturnType<typeof client>, extra: Record<string, unknown> = {}, signer: KeyObject = c.privateKey): string {
  const input = `${b64({ alg: c.alg, typ: 'dpop+jwt', jwk: c.jwk })}.${b64({ jti: `b${jti++}`, htm: 'GET', htu: 'https://api.test/x', iat: Math.floor(Date.now() / 1000), ...extra })}`;
  return `${input}.${sign(c.alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), signer).toString('base64url')}`;
}

const outcome = (r: ReadProof) => (r.ok ? `ok ${r.thumbprint}` : r.reason);

describe('DPoP proof reader buffers and last header', () => {
  const threads: SignatureThread[] = [];
  after(() => {
    for (const t of threads) t.close();
  });

  it('keeps each client its own key when their proofs alternate, and refuses one signed by the other', async () => {
    const reader = new DpopProofReader(options);
    const [a, b] = [client('EdDSA'), client('EdDSA')];
    const thumbprints = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await reader.read(proofOf(i % 2 === 0 ? a : b));
      assert.ok(r.ok, outcome(r));
      thumbprints.add(r.thumbprint);
    }
    assert.equal(thumbprints.size, 2);
    // a's header (the last one read is a's after this), signed with b's key.
    assert.ok((await reader.read(proofOf(a))).ok);
    assert.equal(outcome(await reader.read(proofOf(a, {}, b.privateKey))), 'proof ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('verifies a proof larger than its buffer, and the next small one', async () => {
    const reader = new DpopProofReader(options);
    const c = client('RS256');
    const big = proofOf(c, { pad: 'x'.repeat(12_000) });
    assert.ok(big.length > 16_000);
    assert.ok((await reader.read(big)).ok);
    const flipped = `${big.slice(0, -4)}${big.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    assert.equal((await reader.read(flipped)).ok, false);
    assert.ok((await reader.read(proofOf(c))).ok);
  });

  it('checks a header again after the cache dropped it while the thread held its key', async () => {
    const thread = new SignatureThread();
    threads.push(thread);
    const reader = new DpopProofReader({ ...options, signatureThread: thread });
    const c = client('EdDSA');
    const batch = async () => (await Promise.all([1, 2, 3].map(() => reader.read(proofOf(c))))).map(outcome);
    const first = await batch();
    assert.ok(
      first.every((o) => o.startsWith('ok ')),
      first.join(),
    );
    assert.ok(thread.offloaded > 0, 'the batch went to the thread');
    // 10,000 other headers (another kid each, bad signatures) push the client's header out of the cache.
    const other = client('EdDSA');
    for (let i = 0; i < 10_000; i++) {
      const header = b64({ alg: 'EdDSA', typ: 'dpop+jwt', kid: `k${i}`, jwk: other.jwk });
      const r = await reader.read(`${header}.${b64({ jti: 'x', iat: 0 })}.${'A'.repeat(86)}`);
      assert.equal(r.ok, false);
    }
    const before = thread.offloaded;
    assert.deepEqual(await batch(), first);
    assert.ok(thread.offloaded > before, 'verified on the thread again');
  });
});
