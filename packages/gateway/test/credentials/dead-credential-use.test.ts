import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { guardHarness, statusOf } from '../support/guard-harness.js';

// A stolen credential that was revoked or expired keeps being tried: detection must see whose it is.
describe('gateway: a dead credential still presented is named', () => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  before(async () => {
    h = await guardHarness({ routes: [{ path: '/**', scopes: ['echo.read'] }] });
  });
  after(() => h.guard.close());

  it('names a revoked or suspended key found in the store, even one this gateway never saw live', async () => {
    for (const status of ['revoked', 'suspended'] as const) {
      const { raw, record } = h.source.createKey({ status });
      const d = await h.check('/items', { authorization: `Bearer ${raw}` });
      assert.equal(statusOf(d), 401);
      assert.ok(!d.allow && d.refusal.body.error === 'invalid_token', 'the client learns nothing more');
      assert.equal(d.credential?.id, record.id, 'its access event carries the credential');
      assert.ok(h.lifecycle.some((e) => e.type === 'token.revoked_use' && e.credential_id === record.id));
    }
  });

  it('names an expired JWT whose signature verified, and an expired key', async () => {
    const { token, jti } = await h.source.issueJwt({ iat: Math.floor(Date.now() / 1000) - 3_600, expiresIn: 600 });
    const d = await h.check('/items', { authorization: `Bearer ${token}` });
    assert.equal(statusOf(d), 401);
    assert.equal(d.credential?.id, jti);
    assert.ok(h.lifecycle.some((e) => e.type === 'token.expired' && e.credential_id === jti));
    const key = h.source.createKey({ status: 'expired' });
    await h.check('/items', { authorization: `Bearer ${key.raw}` });
    assert.ok(h.lifecycle.some((e) => e.type === 'token.expired' && e.credential_id === key.record.id));
  });

  it('never names a credential from claims whose signature did not verify', async () => {
    const { token, jti } = await h.source.issueJwt({ iat: Math.floor(Date.now() / 1000) - 3_600, expiresIn: 600 });
    const [head, payload] = token.split('.');
    const forged = `${head}.${payload}.${'A'.repeat(86)}`;
    const d = await h.check('/items', { authorization: `Bearer ${forged}` });
    assert.equal(statusOf(d), 401);
    assert.equal(d.credential, undefined);
    assert.ok(!h.lifecycle.some((e) => e.credential_id === jti));
  });
});
