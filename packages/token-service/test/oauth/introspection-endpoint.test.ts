import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTokenService } from '../../src/index.js';
import { type Harness, startHarness } from '../support/harness.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  wwwAuthenticate: string | null;
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

// RFC 7662 at POST /token/introspection, answered in front of oidc-provider: the caller must be an
// authenticated confidential client, every credential kind we issue is answered, and revocation
// (by this process or another one sharing the store) shows at the very next call although
// verified tokens and client records are cached.
describe('RFC 7662 introspection endpoint', () => {
  let h: Harness;
  let rs: { id: string; secret: string };
  let app: { id: string; secret: string };

  before(async () => {
    h = await startHarness();
    const created = await h.service.admin.createClient({ name: 'resource-server', grantTypes: ['client_credentials'] });
    rs = { id: created.client_id, secret: created.client_secret as string };
    const a = await h.service.admin.createClient({ name: 'app', grantTypes: ['client_credentials'], scopes: ['read'] });
    app = { id: a.client_id, secret: a.client_secret as string };
  });
  after(() => h.close());

  const post = async (body: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${h.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      wwwAuthenticate: res.headers.get('www-authenticate'),
    };
  };
  const introspect = (token: string, as = rs): Promise<Answer> =>
    post(`token=${encodeURIComponent(token)}`, { authorization: basic(as.id, as.secret) });
  const accessToken = async (client = app): Promise<string> => {
    const res = await fetch(`${h.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.id, client.secret) },
      body: 'grant_type=client_credentials&scope=read',
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  it('answers JWT access tokens, API keys and unknown values for an authenticated confidential client', async () => {
    const jwt = await accessToken();
    const a = await introspect(jwt);
    assert.equal(a.status, 200);
    assert.equal(a.body.active, true);
    assert.equal(a.body.client_id, app.id);
    assert.equal(a.body.scope, 'read');
    assert.equal(a.body.iss, h.issuer);
    const key = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['deploy'] });
    const k = await introspect(key.key);
    assert.equal(k.body.active, true);
    assert.equal(k.body.sub, 'ci');
    assert.deepEqual((await introspect('not-a-token')).body, { active: false });
    assert.deepEqual((await introspect(`${jwt.slice(0, -4)}AAAA`)).body, { active: false }, 'a bad signature is inactive');
  });

  it('accepts client_secret_post, and refuses two authentication mechanisms at once', async () => {
    const jwt = await accessToken();
    const posted = await post(`token=${jwt}&client_id=${rs.id}&client_secret=${encodeURIComponent(rs.secret)}`);
    assert.equal(posted.status, 200);
    assert.equal(posted.body.active, true);
    const both = await post(`token=${jwt}&client_id=${rs.id}&client_secret=${encodeURIComponent(rs.secret)}`, {
      authorization: basic(rs.id, rs.secret),
    });
    assert.equal(both.status, 400);
    assert.equal(both.body.error, 'invalid_request');
    const mismatch = await post(`token=${jwt}&client_id=${app.id}`, { authorization: basic(rs.id, rs.secret) });
    assert.equal(mismatch.status, 400, 'client_id in the body must match the Basic one');
  });

  it('refuses unauthenticated, wrongly authenticated, unknown and public callers with invalid_client', async () => {
    const jwt = await accessToken();
    const failuresBefore = h.events.filter((e) => e.type === 'client_auth.failure').length;
    const wrong = await introspect(jwt, { id: rs.id, secret: `${rs.secret}x` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    assert.equal(wrong.body.active, undefined, 'no token information without authentication');
    assert.match(wrong.wwwAuthenticate ?? '', /^Basic realm=/);
    assert.equal((await introspect(jwt, { id: 'cl_nobody', secret: rs.secret })).status, 401);
    // A public client: presents no secret (method none) or a made-up one.
    const pub = await h.service.admin.createClient({
      name: 'spa',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://spa.example.test/cb'],
      public: true,
    });
    const none = await post(`token=${jwt}&client_id=${pub.client_id}`);
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_client');
    assert.equal((await introspect(jwt, { id: pub.client_id, secret: 'guess' })).status, 401);
    // RFC 6749 §5.2: no client authentication at all is invalid_client too, with a challenge.
    const noAuth = await post(`token=${jwt}`);
    assert.equal(noAuth.status, 401);
    assert.deepEqual(noAuth.body, { error: 'invalid_client', error_description: 'client authentication failed' });
    assert.match(noAuth.wwwAuthenticate ?? '', /^Basic realm=/);
    assert.match(none.wwwAuthenticate ?? '', /^Basic realm=/, 'a 401 always carries a challenge');
    const failures = h.events.filter((e) => e.type === 'client_auth.failure').slice(failuresBefore);
    assert.ok(failures.length >= 5, `client-auth failures are security events (${failures.length})`);
    assert.ok(
      failures.some((e) => e.client_id === rs.id && e.reason === 'invalid secret provided'),
      'the event names the client and the reason',
    );
    assert.ok(
      failures.every((e) => !JSON.stringify(e).includes(rs.secret)),
      'events never carry the presented secret',
    );
  });

  it('rejects malformed requests with invalid_request', async () => {
    const auth = { authorization: basic(rs.id, rs.secret) };
    const missing = await post('token_type_hint=access_token', auth);
    assert.equal(missing.status, 400);
    assert.match(String(missing.body.error_description), /token/);
    const twice = await post('token=a&token=b', auth);
    assert.equal(twice.status, 400);
    const json = await fetch(`${h.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ token: 'x' }),
    });
    assert.equal(json.status, 400);
    assert.equal(((await json.json()) as { error: string }).error, 'invalid_request');
    const badHeader = await post('token=x', { authorization: 'Basic !!!' });
    assert.equal(badHeader.status, 400);
    const huge = await post(`token=${'a'.repeat(60 * 1024)}`, auth);
    assert.equal(huge.status, 400);
  });

  it('reads a revoked access token inactive at the next call, although its active answer was cached', async () => {
    const jwt = await accessToken();
    assert.equal((await introspect(jwt)).body.active, true);
    assert.equal((await introspect(jwt)).body.active, true, 'second answer (from the cache)');
    await h.service.admin.revoke(jwt, { actor: 'test', reason: 'leaked' });
    assert.deepEqual((await introspect(jwt)).body, { active: false });
    assert.equal((await h.service.view.introspect(jwt)).active, false, 'in-process view too');
  });

  it('sees a revocation made by another process on the same store at the next call', async () => {
    const jwt = await accessToken();
    assert.equal((await introspect(jwt)).body.active, true);
    assert.equal((await h.service.view.introspect(jwt)).active, true);
    // What `tokenwarden revoke` does: its own process, its own connection to the store.
    const other = await openTokenService({ dataDir: h.dataDir, issuer: h.issuer, keyRefreshMs: 0 });
    try {
      await other.admin.revoke(jwt, { actor: 'cli', reason: 'leaked' });
    } finally {
      await other.close();
    }
    assert.deepEqual((await introspect(jwt)).body, { active: false });
    assert.equal((await h.service.view.introspect(jwt)).active, false);
  });

  it('refuses a revoked client at its next call, although its authentication was cached', async () => {
    const caller = await h.service.admin.createClient({ name: 'rs-2', grantTypes: ['client_credentials'] });
    const who = { id: caller.client_id, secret: caller.client_secret as string };
    const jwt = await accessToken();
    assert.equal((await introspect(jwt, who)).status, 200);
    assert.equal((await introspect(jwt, who)).status, 200);
    await h.service.admin.revoke(caller.client_id, { actor: 'test', reason: 'decommissioned' });
    const after = await introspect(jwt, who);
    assert.equal(after.status, 401);
    assert.equal(after.body.error, 'invalid_client');
  });

  it('reads the tokens of a revoked client inactive at once', async () => {
    const jwt = await accessToken();
    assert.equal((await introspect(jwt)).body.active, true);
    await h.service.admin.revoke(app.id, { actor: 'test', reason: 'client compromised' });
    assert.deepEqual((await introspect(jwt)).body, { active: false });
  });

  it('reports a canary access token presented for introspection, and answers inactive', async () => {
    const canary = await h.service.admin.createCanary({ format: 'access_token', label: 'ci-bucket' });
    const before = h.events.filter((e) => e.type === 'canary.used').length;
    assert.deepEqual((await introspect(canary.value)).body, { active: false });
    assert.equal(h.events.filter((e) => e.type === 'canary.used').length, before + 1);
  });
});

describe('introspection of an expiring access token', () => {
  it('answers inactive once the token has expired (past the clock tolerance), although its active answer was cached', async () => {
    const h = await startHarness({ settings: { accessTokenTtlS: 1 } });
    try {
      const c = await h.service.admin.createClient({ name: 'short', grantTypes: ['client_credentials'], scopes: ['read'] });
      const auth = basic(c.client_id, c.client_secret as string);
      const res = await fetch(`${h.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
        body: 'grant_type=client_credentials&scope=read',
      });
      const { access_token } = (await res.json()) as { access_token: string };
      const ask = async () =>
        (
          (await (
            await fetch(`${h.issuer}/token/introspection`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
              body: `token=${access_token}`,
            })
          ).json()) as { active: boolean }
        ).active;
      assert.equal(await ask(), true);
      assert.equal(await ask(), true, 'cached');
      // exp is 1 s after issue; the verifier allows 5 s of clock skew past it (several instances).
      await new Promise((r) => setTimeout(r, 6_600));
      assert.equal(await ask(), false);
    } finally {
      await h.close();
    }
  });
});
