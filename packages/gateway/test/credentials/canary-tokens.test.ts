import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { guardHarness, statusOf } from '../support/guard-harness.js';

// A canary access token is signed by a key no one publishes and a canary refresh token is in no
// store introspection reads: both used to be refused as unknown, with no canary.used, or one with
// no request context (introspection reported it from inside the token service's view).
describe('canary access and refresh tokens at the gateway', () => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  before(async () => {
    h = await guardHarness({ routes: [{ path: '/**', scopes: ['echo.read'] }] });
  });
  after(() => h.guard.close());

  const canaryJwt = async (): Promise<string> => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: 'echo.read', client_id: 'cl_x' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'unpublished' })
      .setIssuer(h.source.issuer)
      .setAudience(h.source.defaultAudience)
      .setSubject('usr_x')
      .setJti(randomBytes(32).toString('base64url'))
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
  };

  it('reports a canary access token with the request context and refuses it', async () => {
    const token = await canaryJwt();
    const hit = h.source.plantCanary(token, 'access_token');
    const decision = await h.check(
      '/items',
      { authorization: `Bearer ${token}`, 'user-agent': 'thief/1.0' },
      { peer: '198.51.100.7', encrypted: true },
    );
    assert.equal(statusOf(decision), 401);
    const event = h.lifecycle.find((e) => e.type === 'canary.used' && e.credential_id === hit.id);
    assert.ok(event, 'canary.used was reported');
    assert.equal(event.source_ip, '198.51.100.7');
    assert.equal(event.user_agent, 'thief/1.0');
  });

  it('reports a canary refresh token with the request context, without asking introspection', async () => {
    const token = randomBytes(32).toString('base64url');
    const hit = h.source.plantCanary(token, 'refresh_token');
    const before = h.source.calls.introspect;
    const decision = await h.check(
      '/items',
      { authorization: `Bearer ${token}`, 'user-agent': 'thief/2.0' },
      { peer: '198.51.100.8', encrypted: true },
    );
    assert.equal(statusOf(decision), 401);
    assert.equal(h.source.calls.introspect, before);
    const event = h.lifecycle.find((e) => e.type === 'canary.used' && e.credential_id === hit.id);
    assert.ok(event);
    assert.equal(event.source_ip, '198.51.100.8');
    assert.equal(event.user_agent, 'thief/2.0');
  });

  it('still refuses a forged JWT that is no canary as unknown, unreported', async () => {
    const count = h.lifecycle.filter((e) => e.type === 'canary.used').length;
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${await canaryJwt()}` })), 401);
    assert.equal(h.lifecycle.filter((e) => e.type === 'canary.used').length, count);
  });
});
