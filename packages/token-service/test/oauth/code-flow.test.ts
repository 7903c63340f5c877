import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { refresh, runCodeFlow } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

describe('authorization code flow with PKCE through the login form', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('signs in through a plain HTML form and issues audience-bound JWT access and opaque refresh tokens', async () => {
    const s = await runCodeFlow(h);
    assert.match(s.loginPage, /<form method="post"/);
    assert.match(s.loginPage, /name="login"/);
    assert.match(s.loginPage, /name="password"/);
    assert.ok(s.tokens.refresh_token, 'a refresh token was issued');
    assert.equal(s.tokens.token_type, 'bearer');
    const payload = JSON.parse(Buffer.from(s.tokens.access_token.split('.')[1] as string, 'base64url').toString());
    assert.equal(payload.aud, `${h.issuer}/api`);
    assert.equal(payload.scope, 'read');
    assert.ok(payload.sub.startsWith('usr_'));
    assert.ok(payload.tw_gid, 'the grant id travels in the token for family revocation');
  });

  it('refuses an authorization request without PKCE', async () => {
    const created = await h.service.admin.createClient({
      name: 'nopkce',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://app.example.test/cb'],
    });
    const url = new URL(h.as.authorization_endpoint as string);
    url.searchParams.set('client_id', created.client_id);
    url.searchParams.set('redirect_uri', 'https://app.example.test/cb');
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid');
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location') as string);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /PKCE/);
  });

  it('refuses the implicit flow', async () => {
    const created = await h.service.admin.createClient({
      name: 'imp',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://app.example.test/cb'],
    });
    const url = new URL(h.as.authorization_endpoint as string);
    url.searchParams.set('client_id', created.client_id);
    url.searchParams.set('redirect_uri', 'https://app.example.test/cb');
    url.searchParams.set('response_type', 'token');
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL((res.headers.get('location') as string).replace('#', '?'));
    assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
  });

  it('rotates the refresh token on every use, and a reused one kills the whole family', async () => {
    const s = await runCodeFlow(h);
    const first = s.tokens.refresh_token as string;
    const second = await refresh(h, s, first);
    assert.ok(second.refresh_token && second.refresh_token !== first, 'rotated');
    const third = await refresh(h, s, second.refresh_token as string);
    assert.ok(third.refresh_token);
    await assert.rejects(refresh(h, s, first), (e: unknown) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant');
    // The family is dead: the latest refresh token no longer works, and its access tokens are revoked.
    await assert.rejects(
      refresh(h, s, third.refresh_token as string),
      (e: unknown) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant',
    );
    assert.equal((await h.service.view.introspect(third.access_token)).active, false);
    const reuse = h.events.find((e) => e.type === 'refresh_token.reuse_detected');
    assert.ok(reuse, 'reuse_detected was published');
    assert.equal(reuse.source_ip, '127.0.0.1');
    assert.ok(reuse.grant_id);
    const revocations = await h.service.view.revocationsSince(0);
    assert.ok(revocations.some((r) => r.kind === 'grant' && r.value === reuse.grant_id));
  });

  it('gives at most one successor when 20 refreshes race with one token', async () => {
    const s = await runCodeFlow(h);
    const token = s.tokens.refresh_token as string;
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => refresh(h, s, token)));
    const successors = new Set(results.flatMap((r) => (r.status === 'fulfilled' && r.value.refresh_token ? [r.value.refresh_token] : [])));
    assert.ok(successors.size <= 1, `got ${successors.size} different successors`);
    for (const r of results) {
      if (r.status === 'rejected')
        assert.ok(r.reason instanceof oauth.ResponseBodyError && r.reason.error === 'invalid_grant', String(r.reason));
    }
    // Every loser revoked the family, so even the single winner's successor is dead.
    for (const successor of successors) {
      await assert.rejects(refresh(h, s, successor), (e: unknown) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant');
    }
  });

  it('binds a public client to DPoP, including its refresh token', async () => {
    const s = await runCodeFlow(h, { public: true });
    assert.equal(s.tokens.token_type, 'dpop');
    const payload = JSON.parse(Buffer.from(s.tokens.access_token.split('.')[1] as string, 'base64url').toString());
    assert.ok(payload.cnf?.jkt);
    const next = await refresh(h, s, s.tokens.refresh_token as string);
    assert.equal(next.token_type, 'dpop');
    // The same refresh token presented with a different DPoP key is refused (RFC 9449 §5).
    const thief = { ...s, DPoP: oauth.DPoP(s.client, await oauth.generateKeyPair('ES256')) };
    await assert.rejects(refresh(h, thief, next.refresh_token as string), (e: unknown) => e instanceof oauth.ResponseBodyError);
  });

  it('refuses a public client refresh without DPoP, without consuming the token', async () => {
    const s = await runCodeFlow(h, { public: true });
    const bare = { ...s };
    delete bare.DPoP;
    await assert.rejects(refresh(h, bare, s.tokens.refresh_token as string), (e: unknown) => e instanceof oauth.ResponseBodyError);
    const next = await refresh(h, s, s.tokens.refresh_token as string);
    assert.equal(next.token_type, 'dpop');
  });
});
