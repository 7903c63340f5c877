import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { refresh, runCodeFlow } from '../support/code-flow.js';
import { type Harness, insecure, startHarness } from '../support/harness.js';

describe('revocation, introspection and sign-out everywhere', () => {
  let h: Harness;
  let resourceServer: { client: oauth.Client; auth: oauth.ClientAuth };
  before(async () => {
    h = await startHarness();
    const rs = await h.service.admin.createClient({ name: 'resource-server', grantTypes: ['client_credentials'] });
    resourceServer = { client: { client_id: rs.client_id }, auth: oauth.ClientSecretBasic(rs.client_secret as string) };
  });
  after(() => h.close());

  const introspect = async (token: string, as = resourceServer): Promise<oauth.IntrospectionResponse> => {
    const response = await oauth.introspectionRequest(h.as, as.client, as.auth, token, insecure);
    return oauth.processIntrospectionResponse(h.as, as.client, response);
  };

  it('lets any confidential client introspect a refresh token of another client', async () => {
    const s = await runCodeFlow(h);
    const result = await introspect(s.tokens.refresh_token as string);
    assert.equal(result.active, true);
    assert.equal(result.client_id, s.client.client_id);
    assert.equal((await introspect('not-a-token')).active, false);
  });

  it('refuses introspection to a public client', async () => {
    const s = await runCodeFlow(h, { public: true });
    const response = await oauth.introspectionRequest(h.as, s.client, oauth.None(), s.tokens.refresh_token as string, insecure);
    await assert.rejects(oauth.processIntrospectionResponse(h.as, s.client, response));
  });

  it('revokes a refresh token and its whole family through the RFC 7009 endpoint', async () => {
    const s = await runCodeFlow(h);
    const response = await oauth.revocationRequest(h.as, s.client, s.clientAuth, s.tokens.refresh_token as string, insecure);
    await oauth.processRevocationResponse(response);
    assert.equal((await introspect(s.tokens.refresh_token as string)).active, false);
    assert.equal((await h.service.view.introspect(s.tokens.access_token)).active, false, 'access tokens of the grant are revoked too');
    await assert.rejects(refresh(h, s, s.tokens.refresh_token as string));
  });

  it('revokes by raw value through the admin API: refresh family, JWT access token, API key', async () => {
    const s = await runCodeFlow(h);
    const rt = await h.service.admin.revoke(s.tokens.refresh_token as string, { actor: 'test', reason: 'leaked' });
    assert.equal(rt.revoked, 'refresh_token_family');
    assert.ok(!rt.id.includes(s.tokens.refresh_token as string), 'the id never echoes the secret');

    const s2 = await runCodeFlow(h);
    const before = (await h.service.view.revocationsSince(0)).at(-1)?.seq ?? 0;
    const at = await h.service.admin.revoke(s2.tokens.access_token, { actor: 'test' });
    assert.equal(at.revoked, 'access_token');
    const fresh = await h.service.view.revocationsSince(before);
    assert.deepEqual(
      fresh.map((r) => r.kind),
      ['jti'],
    );
    assert.equal((await h.service.view.introspect(s2.tokens.access_token)).active, false);
    assert.equal((await introspect(s2.tokens.refresh_token as string)).active, true, 'revoking one access token leaves the family');

    const key = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'] });
    assert.equal((await h.service.view.findKey(key.key))?.status, 'active');
    await h.service.admin.revoke(key.key, { actor: 'test' });
    assert.equal((await h.service.view.findKey(key.key))?.status, 'revoked');
    const log = await h.service.view.revocationsSince(0);
    assert.ok(log.some((r) => r.kind === 'key' && r.value === key.id));
    for (let i = 1; i < log.length; i++) assert.ok((log[i]?.seq ?? 0) > (log[i - 1]?.seq ?? 0), 'sequence is monotonic');
  });

  it('signs a user out everywhere: every grant, refresh token and earlier access token, and optionally keys', async () => {
    await h.service.admin.createUser({ login: 'mallory-victim', password: 'correct horse battery staple' });
    const a = await runCodeFlow(h, { login: 'mallory-victim', password: 'correct horse battery staple' });
    const b = await runCodeFlow(h, { login: 'mallory-victim', password: 'correct horse battery staple' });
    const key = await h.service.admin.createApiKey({ subject: 'mallory-victim', scopes: ['read'] });
    const result = await h.service.admin.signOut('mallory-victim', { includeApiKeys: true, actor: 'test', reason: 'laptop stolen' });
    assert.ok(result.grants_revoked >= 2);
    assert.equal(result.keys_revoked, 1);
    for (const s of [a, b]) {
      await assert.rejects(refresh(h, s, s.tokens.refresh_token as string));
      assert.equal((await h.service.view.introspect(s.tokens.access_token)).active, false);
    }
    assert.equal((await h.service.view.findKey(key.key))?.status, 'revoked');
    assert.ok(h.events.some((e) => e.type === 'subject.signed_out'));
  });
});
