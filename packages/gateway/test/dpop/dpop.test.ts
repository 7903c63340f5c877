import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DpopNonces } from '../../src/dpop-nonce.js';
import { DpopVerifier } from '../../src/dpop-verifier.js';
import { MemoryJtiReplayStore } from '../../src/jti-replay-store.js';
import { dpopKey } from '../support/fake-credential-source.js';
import { guardHarness, statusOf } from '../support/guard-harness.js';

describe('DPoP at the guard', () => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  before(async () => {
    h = await guardHarness({ routes: [{ path: '/bound/**', require_dpop: true }, { path: '/**' }] });
  });
  after(async () => {
    await h.guard.close();
  });

  it('admits a bound token with a fresh proof, refuses a replay', async () => {
    const key = await dpopKey();
    const { token } = await h.source.issueJwt({ jkt: key.jkt });
    const proof = await key.proof('GET', 'http://api.test/bound/x', token);
    assert.equal(statusOf(await h.check('/bound/x', { authorization: `DPoP ${token}`, dpop: proof })), 200);
    const replay = await h.check('/bound/x', { authorization: `DPoP ${token}`, dpop: proof });
    assert.equal(statusOf(replay), 401);
    assert.ok(!replay.allow && (replay.refusal.headers['www-authenticate'] as string[]).some((c) => c.includes('invalid_dpop_proof')));
  });

  it('refuses a bound token sent as Bearer, a wrong key, a wrong htm/htu/ath, and a missing proof', async () => {
    const key = await dpopKey();
    const other = await dpopKey();
    const { token } = await h.source.issueJwt({ jkt: key.jkt });
    const url = 'http://api.test/bound/x';
    assert.equal(statusOf(await h.check('/bound/x', { authorization: `Bearer ${token}` })), 401);
    assert.equal(statusOf(await h.check('/bound/x', { authorization: `DPoP ${token}` })), 401);
    assert.equal(statusOf(await h.check('/bound/x', { authorization: `DPoP ${token}`, dpop: await other.proof('GET', url, token) })), 401);
    assert.equal(statusOf(await h.check('/bound/x', { authorization: `DPoP ${token}`, dpop: await key.proof('POST', url, token) })), 401);
    assert.equal(
      statusOf(await h.check('/bound/x', { authorization: `DPoP ${token}`, dpop: await key.proof('GET', 'http://api.test/other', token) })),
      401,
    );
    assert.equal(
      statusOf(await h.check('/bound/x', { authorization: `DPoP ${token}`, dpop: await key.proof('GET', url, 'another-token') })),
      401,
    );
    assert.ok(h.lifecycle.some((e) => e.type === 'dpop.failure'));
  });

  it('with a public origin configured, htu must name it whatever Host the request carries', async () => {
    const o = await guardHarness({ dpop: { public_origin: 'https://api.example.com' } });
    const key = await dpopKey();
    const { token } = await o.source.issueJwt({ jkt: key.jkt });
    const auth = `DPoP ${token}`;
    // A proof made for another origin that sent its own Host header is not one for this gateway.
    const foreign = await key.proof('GET', 'http://evil.example/x', token);
    assert.equal(statusOf(await o.check('/x', { authorization: auth, dpop: foreign, host: 'evil.example' })), 401);
    assert.equal(statusOf(await o.check('/x', { authorization: auth, dpop: await key.proof('GET', 'http://api.test/x', token) })), 401);
    const ours = await key.proof('GET', 'https://api.example.com/x', token);
    assert.equal(statusOf(await o.check('/x', { authorization: auth, dpop: ours, host: 'internal-lb:8081' })), 200);
    await o.guard.close();
  });

  it('a route requiring DPoP refuses an unbound bearer token', async () => {
    const { token } = await h.source.issueJwt();
    assert.equal(statusOf(await h.check('/bound/x', { authorization: `Bearer ${token}` })), 401);
    assert.equal(statusOf(await h.check('/open', { authorization: `Bearer ${token}` })), 200);
  });

  it('asks for a nonce with use_dpop_nonce and accepts it on retry', async () => {
    const n = await guardHarness({ dpop: { require_nonce: true } }, { nonceSecret: 's3cret' });
    const key = await dpopKey();
    const { token } = await n.source.issueJwt({ jkt: key.jkt });
    const first = await n.check('/x', { authorization: `DPoP ${token}`, dpop: await key.proof('GET', 'http://api.test/x', token) });
    assert.ok(!first.allow);
    assert.equal(first.refusal.status, 401);
    assert.ok((first.refusal.headers['www-authenticate'] as string[]).some((c) => c.includes('use_dpop_nonce')));
    const nonce = first.refusal.headers['dpop-nonce'] as string;
    assert.ok(nonce);
    const second = await n.check('/x', {
      authorization: `DPoP ${token}`,
      dpop: await key.proof('GET', 'http://api.test/x', token, { nonce }),
    });
    assert.equal(statusOf(second), 200);
    await n.guard.close();
  });
});

describe('DPoP helpers', () => {
  it('refuses a replayed proof before checking its signature (a replay flood costs no verifications)', async () => {
    const replay = new MemoryJtiReplayStore();
    const verifier = new DpopVerifier({ algorithms: ['EdDSA', 'ES256'], maxAgeSeconds: 300, replay, requireNonce: false });
    const key = await dpopKey();
    const token = 'an-access-token-bound-to-this-key';
    const url = 'http://api.test/bound/x';
    const proof = await key.proof('GET', url, token);
    const check = (p: string) => verifier.verify({ proof: p, method: 'GET', url, accessToken: token, jkt: key.jkt });
    assert.deepEqual(await check(proof), { ok: true, jkt: key.jkt });
    // The same header and payload with a broken signature: refused as the replay it is, which only
    // a check made before the signature's can say (afterwards it would be a signature failure).
    const [head, body, signature] = proof.split('.') as [string, string, string];
    const broken = `${head}.${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    assert.deepEqual(await check(broken), { ok: false, error: 'invalid_dpop_proof', reason: 'replayed proof' });
    assert.equal(replay.seen(`${key.jkt}:${JSON.parse(Buffer.from(body, 'base64url').toString()).jti}`), true);
    // A fresh proof with a broken signature is still a signature failure.
    const [h2, b2, s2] = (await key.proof('GET', url, token)).split('.') as [string, string, string];
    const forged = await check(`${h2}.${b2}.${s2.startsWith('A') ? 'B' : 'A'}${s2.slice(1)}`);
    assert.ok(!forged.ok && /SIGNATURE_VERIFICATION_FAILED/.test(forged.reason), forged.ok ? '' : forged.reason);
  });

  it('the replay store claims a key once', () => {
    const s = new MemoryJtiReplayStore();
    assert.equal(s.claim('a', Date.now() + 1000), true);
    assert.equal(s.claim('a', Date.now() + 1000), false);
    assert.equal(s.claim('b', Date.now() + 1000), true);
  });

  it('nonces from the previous slot stay valid, older ones do not', () => {
    const n = new DpopNonces('k', 1000);
    const t = 10_000;
    assert.ok(n.isValid(n.current(t), t + 1000));
    assert.ok(!n.isValid(n.current(t), t + 2000));
    assert.ok(!n.isValid('junk', t));
  });
});
