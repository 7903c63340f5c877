import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { DpopVerifier } from '../../src/dpop-verifier.js';
import { MemoryJtiReplayStore } from '../../src/jti-replay-store.js';

const url = 'http://api.test/bound/x';
const token = 'eyJhbGciOi.fake.token';
const ath = createHash('sha256').update(token).digest('base64url');
let n = 0;

async function keyPair(alg: 'EdDSA' | 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

function proof(signer: { alg: string; privateKey: CryptoKey }, jwk: JWK, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ htm: 'GET', htu: url, ath, ...claims })
    .setProtectedHeader({ alg: signer.alg, typ: 'dpop+jwt', jwk })
    .setJti(`jti-${n++}`)
    .setIssuedAt()
    .sign(signer.privateKey);
}

function verifier(): DpopVerifier {
  return new DpopVerifier({ algorithms: ['EdDSA', 'ES256'], maxAgeSeconds: 300, replay: new MemoryJtiReplayStore(), requireNonce: false });
}

describe('DPoP proof keys are imported once, without loosening any check', () => {
  it('accepts EdDSA and ES256 proofs from a cached key, with the RFC 7638 thumbprint, and refuses a replay', async () => {
    const v = verifier();
    for (const alg of ['EdDSA', 'ES256'] as const) {
      const k = await keyPair(alg);
      for (let i = 0; i < 3; i++) {
        const r = await v.verify({ proof: await proof(k, k.jwk), method: 'GET', url, accessToken: token, jkt: k.jkt });
        assert.deepEqual(r, { ok: true, jkt: k.jkt }, `${alg} proof ${i}`);
      }
      const p = await proof(k, k.jwk);
      assert.equal((await v.verify({ proof: p, method: 'GET', url, accessToken: token, jkt: k.jkt })).ok, true);
      const replay = await v.verify({ proof: p, method: 'GET', url, accessToken: token, jkt: k.jkt });
      assert.deepEqual(replay, { ok: false, error: 'invalid_dpop_proof', reason: 'replayed proof' });
    }
  });

  it("a cached key's JWK in a proof signed by another key fails the signature check", async () => {
    const v = verifier();
    const a = await keyPair('EdDSA');
    const b = await keyPair('EdDSA');
    assert.equal((await v.verify({ proof: await proof(a, a.jwk), method: 'GET', url, accessToken: token, jkt: a.jkt })).ok, true);
    const forged = await v.verify({ proof: await proof(b, a.jwk), method: 'GET', url, accessToken: token, jkt: a.jkt });
    assert.equal(forged.ok, false);
    assert.ok(!forged.ok && forged.error === 'invalid_dpop_proof');
  });

  it('the cached key does not cover a variant of its JWK: private part, use=enc, another alg', async () => {
    const v = verifier();
    const k = await keyPair('ES256');
    assert.equal((await v.verify({ proof: await proof(k, k.jwk), method: 'GET', url, accessToken: token, jkt: k.jkt })).ok, true);
    const priv = await exportJWK(k.privateKey);
    for (const variant of [
      { ...k.jwk, d: priv.d },
      { ...k.jwk, use: 'enc' },
      { ...k.jwk, alg: 'ES384' },
    ]) {
      const r = await v.verify({ proof: await proof(k, variant), method: 'GET', url, accessToken: token, jkt: k.jkt });
      assert.equal(r.ok, false, JSON.stringify(Object.keys(variant)));
    }
    // And an EdDSA header alg over the cached ES256 key is not a hit either.
    const r = await v.verify({
      proof: await proof({ alg: 'EdDSA', privateKey: (await keyPair('EdDSA')).privateKey }, k.jwk),
      method: 'GET',
      url,
      accessToken: token,
      jkt: k.jkt,
    });
    assert.equal(r.ok, false);
  });

  it('htu: an equal URL string matches at once, an equivalent spelling still matches, another path does not', async () => {
    const v = verifier();
    const k = await keyPair('EdDSA');
    const check = async (htu: string) =>
      (await v.verify({ proof: await proof(k, k.jwk, { htu }), method: 'GET', url, accessToken: token, jkt: k.jkt })).ok;
    assert.equal(await check(url), true);
    assert.equal(await check('HTTP://API.TEST:80/bound/x'), true);
    assert.equal(await check('http://api.test/bound/x?q=1'), true, 'query is not compared (RFC 9449 §4.3)');
    assert.equal(await check('http://api.test/bound/y'), false);
    assert.equal(await check('https://api.test/bound/x'), false);
  });
});
