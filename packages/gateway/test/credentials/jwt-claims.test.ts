import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CredentialVerifier } from '../../src/credential-verifier.js';
import { guardHarness, statusOf } from '../support/guard-harness.js';

// RFC 9068 §2.2: `iat` (not in the future, as the token service checks it), a string `client_id`
// and, §2.2.3, `scope` as a space-separated string.
describe('JWT access token claims', () => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  before(async () => {
    h = await guardHarness({
      routes: [
        { path: '/admin/**', scopes: ['echo.admin'] },
        { path: '/open/**', scopes: [] },
        { path: '/**', scopes: ['echo.read'] },
      ],
    });
  });
  after(async () => {
    await h.guard.close();
  });
  const req = (token: string, target = '/items') => ({
    method: 'GET',
    target,
    headers: { host: 'api.test', authorization: `Bearer ${token}` },
    peer: '127.0.0.1',
    encrypted: false,
  });
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses an iat in the future beyond the clock tolerance as invalid_token, and never caches it as valid', async () => {
    for (const ahead of [60, 600, 3600]) {
      const { token } = await h.source.issueJwt({ iat: now() + ahead });
      for (let i = 0; i < 2; i++) {
        const decided = h.guard.decide(req(token));
        assert.ok(decided instanceof Promise, `iat +${ahead}s: not answered from a cached verification (try ${i})`);
        const d = await decided;
        assert.equal(statusOf(d), 401, `iat +${ahead}s`);
        assert.ok(!d.allow && d.refusal.body.error === 'invalid_token');
        assert.equal(!d.allow && d.refusal.reason, 'credential not_yet_valid');
      }
    }
    const skewed = await h.source.issueJwt({ iat: now() + 3 });
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${skewed.token}` })), 200, 'within the 5 s tolerance');
    const verifier = new CredentialVerifier(h.source, { jwtAlgorithms: ['EdDSA'] });
    const ahead = await h.source.issueJwt({ iat: now() + 600 });
    assert.deepEqual(await verifier.verify(ahead.token), { ok: false, failure: 'not_yet_valid' });
  });

  it('refuses a JWT without a string client_id', async () => {
    for (const client_id of [undefined, 42, ['client_1']]) {
      const { token } = await h.source.issueJwt({ claims: { client_id } });
      const d = await h.check('/items', { authorization: `Bearer ${token}` });
      assert.equal(statusOf(d), 401, JSON.stringify(client_id));
      assert.ok(!d.allow && d.refusal.body.error === 'invalid_token');
    }
  });

  it('refuses a scope claim that is not a space-separated string; a token without scope gets none', async () => {
    for (const scope of [['echo.admin'], ['echo.read', 'echo.admin'], 7, { echo: 'admin' }]) {
      const { token } = await h.source.issueJwt({ claims: { scope } });
      for (const target of ['/admin/users', '/items']) {
        const d = await h.check(target, { authorization: `Bearer ${token}` });
        assert.equal(statusOf(d), 401, `${JSON.stringify(scope)} on ${target}`);
        assert.ok(!d.allow && d.refusal.body.error === 'invalid_token');
      }
    }
    const none = await h.source.issueJwt({ claims: { scope: undefined } });
    assert.equal(statusOf(await h.check('/open/x', { authorization: `Bearer ${none.token}` })), 200);
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${none.token}` })), 403);
    const admin = await h.source.issueJwt({ scope: 'echo.read echo.admin' });
    assert.equal(statusOf(await h.check('/admin/users', { authorization: `Bearer ${admin.token}` })), 200);
  });
});
