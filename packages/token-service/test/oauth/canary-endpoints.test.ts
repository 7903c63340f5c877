import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basicAuth, type ClientCredentials } from '../support/client-requests.js';
import { type Harness, startHarness } from '../support/harness.js';

// A thief who finds a canary refresh token redeems it at the token endpoint or, to cover tracks,
// revokes it; a canary access token may be revoked too. Each is a use: canary.used, with the
// caller's address and user agent, naming the endpoint it came through.
describe('canary tokens at the token and revocation endpoints', () => {
  let h: Harness;
  let client: ClientCredentials;
  before(async () => {
    h = await startHarness();
    const c = await h.service.admin.createClient({
      name: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://app.example.test/cb'],
      scopes: ['read'],
    });
    client = { id: c.client_id, secret: c.client_secret as string };
  });
  after(() => h.close());

  const post = (path: string, body: string) =>
    fetch(`${h.issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client), 'user-agent': 'thief/1.0' },
      body,
    });
  const used = (id: string) => h.events.filter((e) => e.type === 'canary.used' && e.credential_id === id);

  it('reports a canary refresh token redeemed at the token endpoint', async () => {
    const canary = await h.service.admin.createCanary({ format: 'refresh_token', label: 'ci-bucket' });
    const res = await post('/token', `grant_type=refresh_token&refresh_token=${canary.value}`);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
    const events = used(canary.id);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.details?.via, 'token_endpoint');
    assert.equal(events[0]?.details?.severity, 'critical');
    assert.equal(events[0]?.source_ip, '127.0.0.1');
    assert.equal(events[0]?.user_agent, 'thief/1.0');
  });

  it('reports a canary refresh token posted to the revocation endpoint, still answering 200', async () => {
    const canary = await h.service.admin.createCanary({ format: 'refresh_token', label: 'wiki' });
    const res = await post('/token/revocation', `token=${canary.value}`);
    assert.equal(res.status, 200);
    const events = used(canary.id);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.details?.via, 'revocation');
    assert.equal(events[0]?.user_agent, 'thief/1.0');
  });

  it('labels a canary access token posted to the revocation endpoint as a revocation', async () => {
    const canary = await h.service.admin.createCanary({ format: 'access_token', label: 'laptop' });
    const res = await post('/token/revocation', `token=${canary.value}`);
    assert.equal(res.status, 200);
    const events = used(canary.id);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.details?.via, 'revocation');
  });

  it('raises nothing for an unknown refresh token', async () => {
    const count = h.events.filter((e) => e.type === 'canary.used').length;
    const res = await post('/token', 'grant_type=refresh_token&refresh_token=bm90LWEtY2FuYXJ5LW5vdC1hLXRva2VuLTEyMzQ1Njc4OTA');
    assert.equal(res.status, 400);
    assert.equal(h.events.filter((e) => e.type === 'canary.used').length, count);
  });
});
