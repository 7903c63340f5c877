import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { REDIRECT_URI, runCodeFlow } from '../support/code-flow.js';
import { CookieJar, type Harness, startHarness } from '../support/harness.js';

// Opens a sign-in for a new authorization request and returns a function that submits the form.
async function openSignIn(h: Harness, clientId: string): Promise<(login: string, password: string) => Promise<Response>> {
  const url = new URL(h.as.authorization_endpoint as string);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', REDIRECT_URI);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid read');
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()));
  url.searchParams.set('code_challenge_method', 'S256');
  const jar = new CookieJar();
  const start = await fetch(url, { redirect: 'manual' });
  jar.store(start);
  const interaction = new URL(start.headers.get('location') as string, url).href;
  assert.match(interaction, /\/interaction\//);
  return (login, password) =>
    fetch(interaction, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }).toString(),
    });
}

describe('sign-in form: online password guessing', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('refuses further attempts after five wrong passwords, without checking even the right one, and tells when to retry', async () => {
    const login = 'guessed-user';
    await h.service.admin.createUser({ login, password: 'correct horse battery staple' });
    const client = await h.service.admin.createClient({
      name: 'web',
      grantTypes: ['authorization_code'],
      redirectUris: [REDIRECT_URI],
      scopes: ['read'],
    });
    const submit = await openSignIn(h, client.client_id);
    for (let i = 0; i < 5; i++) assert.equal((await submit(login, `wrong-${i}`)).status, 401);
    const blocked = await submit(login, 'correct horse battery staple');
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.match(await blocked.text(), /Too many failed sign-ins/);
    assert.equal((await submit(login.toUpperCase(), 'x')).status, 429, 'a case variant is the same login');

    // Another user signs in as usual.
    const other = await runCodeFlow(h);
    assert.ok(other.tokens.access_token);
  });
});
