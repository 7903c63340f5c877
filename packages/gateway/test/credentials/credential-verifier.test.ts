import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { CredentialVerifier, tokenHash } from '../../src/credential-verifier.js';
import { FakeCredentialSource } from '../support/fake-credential-source.js';

describe('CredentialVerifier', () => {
  let source: FakeCredentialSource;
  let verifier: CredentialVerifier;
  before(async () => {
    source = await FakeCredentialSource.create();
    verifier = new CredentialVerifier(source, { jwtAlgorithms: ['EdDSA', 'ES256'] });
  });

  it('verifies an RFC 9068 JWT and caches the result', async () => {
    const { token, jti } = await source.issueJwt({ scope: 'a b' });
    const r = await verifier.verify(token);
    assert.ok(r.ok);
    assert.equal(r.credential.id, jti);
    assert.deepEqual(r.credential.scopes, ['a', 'b']);
    const jwksCalls = source.calls.jwks;
    assert.ok((await verifier.verify(token)).ok);
    assert.equal(source.calls.jwks, jwksCalls);
  });

  it('rejects alg none, HS256, wrong typ, and an unknown kid', async () => {
    const none = new UnsecuredJWT({ sub: 'x', jti: 'j', scope: 'a' }).setIssuer(source.issuer).setExpirationTime('5m').encode();
    assert.deepEqual(await verifier.verify(none), { ok: false, failure: 'algorithm' });
    const hs = await new SignJWT({ sub: 'x', jti: 'j' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k' })
      .setIssuer(source.issuer)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    assert.deepEqual(await verifier.verify(hs), { ok: false, failure: 'algorithm' });
    const wrongTyp = await source.issueJwt({ typ: 'JWT' });
    assert.equal((await verifier.verify(wrongTyp.token)).ok, false);
    const { privateKey } = await generateKeyPair('EdDSA');
    const foreign = await new SignJWT({ sub: 'x', jti: 'j' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'unknown-kid' })
      .setIssuer(source.issuer)
      .setExpirationTime('5m')
      .sign(privateKey);
    assert.deepEqual(await verifier.verify(foreign), { ok: false, failure: 'unknown' });
  });

  it('picks up a rotated signing key on first sight of its kid', async () => {
    await verifier.verify((await source.issueJwt()).token);
    await new Promise((r) => setTimeout(r, 1_050));
    await source.rotate();
    const r = await verifier.verify((await source.issueJwt()).token);
    assert.ok(r.ok);
  });

  it('rejects a tw_ key with a bad checksum without any lookup', async () => {
    const { raw } = source.createKey();
    const before = source.calls.findKey;
    const tampered = `${raw.slice(0, 10)}${raw[10] === 'a' ? 'b' : 'a'}${raw.slice(11)}`;
    assert.deepEqual(await verifier.verify(tampered), { ok: false, failure: 'checksum' });
    assert.equal(source.calls.findKey, before);
  });

  it('looks up a key once, then serves it from the LRU', async () => {
    const { raw, record } = source.createKey({ scopes: ['x'] });
    const before = source.calls.findKey;
    for (let i = 0; i < 3; i++) {
      const r = await verifier.verify(raw);
      assert.ok(r.ok);
      assert.equal(r.credential.id, record.id);
    }
    assert.equal(source.calls.findKey, before + 1);
  });

  it('refuses unknown and inactive keys and introspects opaque tokens', async () => {
    const { raw, record } = source.createKey({ status: 'suspended' });
    const inactive = await verifier.verify(raw);
    assert.ok(!inactive.ok && inactive.failure === 'inactive');
    assert.equal(inactive.known?.status, 'suspended');
    assert.equal(inactive.known?.credential.id, record.id);
    const opaque = source.createOpaque({ scope: 'z' });
    const r = await verifier.verify(opaque);
    assert.ok(r.ok);
    assert.deepEqual(r.credential.scopes, ['z']);
    assert.deepEqual(await verifier.verify('op_unknown'), { ok: false, failure: 'inactive' });
  });

  it('keyOf is the token hash, remembered or not (past the memo bound, for long tokens)', () => {
    const v = new CredentialVerifier(source, { jwtAlgorithms: ['EdDSA'] });
    const tail = 'T'.repeat(32);
    const tokens = [
      ...Array.from({ length: 2_100 }, (_, i) => `tw_k_${i}`),
      'x'.repeat(5_000),
      // The memo is indexed by a fingerprint of the length and the last characters: strings sharing
      // them must not share a key.
      `a.${tail}`,
      `b.${tail}`,
      tail,
    ];
    for (let round = 0; round < 2; round++) {
      for (const t of tokens) assert.equal(v.keyOf(t), tokenHash(t));
    }
  });
});
