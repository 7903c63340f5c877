import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basicAuth, type ClientCredentials } from '../support/client-requests.js';
import { type Harness, startHarness } from '../support/harness.js';

interface Answer {
  status: number;
  body: unknown;
  challenge: string | null;
}

const REFUSED = { error: 'invalid_client', error_description: 'client authentication failed' };

// RFC 6749 §5.2: a request whose client authentication is missing or fails is invalid_client, 401
// with a challenge; the answer is the same whatever went wrong (unknown client, wrong secret, none
// at all), while the client_auth.failure event keeps the reason for detection.
describe('client authentication failures at the client-authenticated endpoints', () => {
  let h: Harness;
  let client: ClientCredentials;
  before(async () => {
    h = await startHarness();
    const created = await h.service.admin.createClient({ name: 'svc', grantTypes: ['client_credentials'], scopes: ['read'] });
    client = { id: created.client_id, secret: created.client_secret as string };
  });
  after(() => h.close());

  const ENDPOINTS: Record<string, { path: string; body: string }> = {
    token: { path: '/token', body: 'grant_type=client_credentials&scope=read' },
    revocation: { path: '/token/revocation', body: 'token=some-token' },
    introspection: { path: '/token/introspection', body: 'token=some-token' },
    'pushed authorization': {
      path: '/request',
      body: 'response_type=code&redirect_uri=https%3A%2F%2Fapp.example.test%2Fcb&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
    },
  };

  const post = async (path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${h.issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${path} answers JSON`);
    return { status: res.status, body: await res.json(), challenge: res.headers.get('www-authenticate') };
  };
  const assertRefused = (answer: Answer, what: string): void => {
    assert.equal(answer.status, 401, `${what}: ${JSON.stringify(answer.body)}`);
    assert.deepEqual(answer.body, REFUSED, what);
    assert.equal(
      answer.challenge,
      `Basic realm="${h.issuer}", error="invalid_client", error_description="client authentication failed"`,
      `${what}: the challenge`,
    );
  };

  for (const [name, { path, body }] of Object.entries(ENDPOINTS)) {
    it(`${name}: answers no client authentication at all with 401 invalid_client and reports it`, async () => {
      const before = h.events.filter((e) => e.type === 'client_auth.failure').length;
      assertRefused(await post(path, body), 'no authentication');
      assertRefused(await post(path, body, { accept: 'text/html' }), 'no authentication, asked for HTML');
      const events = h.events.filter((e) => e.type === 'client_auth.failure').slice(before);
      assert.equal(events.length, 2, 'each is a client_auth.failure event');
      assert.equal(events[0]?.reason, 'no client authentication mechanism provided');
    });

    it(`${name}: answers an unknown client, a wrong secret and a missing secret alike`, async () => {
      const before = h.events.filter((e) => e.type === 'client_auth.failure').length;
      assertRefused(
        await post(path, body, { authorization: basicAuth({ id: 'cl_01JD3Z2K8Q4W5E6R7T8Y9U0I1O', secret: 'x' }) }),
        'unknown client',
      );
      assertRefused(await post(path, body, { authorization: basicAuth({ ...client, secret: `${client.secret}x` }) }), 'wrong Basic secret');
      const posted = `${body}&client_id=${client.id}&client_secret=wrong`;
      assertRefused(await post(path, posted), 'wrong posted secret');
      assertRefused(await post(path, `${body}&client_id=${client.id}`), 'a confidential client presenting no secret');
      const events = h.events.filter((e) => e.type === 'client_auth.failure').slice(before);
      assert.equal(events.length, 4, 'each is a client_auth.failure event');
      assert.ok(
        events.some((e) => e.client_id === client.id && e.reason === 'invalid secret provided'),
        'the event keeps the reason and the client',
      );
      assert.ok(events.every((e) => !JSON.stringify(e).includes(client.secret)));
    });
  }

  it('still answers a malformed authentication (two mechanisms) with 400 invalid_request', async () => {
    const answer = await post('/token', `grant_type=client_credentials&client_secret=${encodeURIComponent(client.secret)}`, {
      authorization: basicAuth(client),
    });
    assert.equal(answer.status, 400);
    assert.equal((answer.body as { error: string }).error, 'invalid_request');
  });

  it('still issues a token to a correctly authenticated client', async () => {
    const res = await fetch(`${h.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: 'grant_type=client_credentials&scope=read',
    });
    assert.equal(res.status, 200);
  });
});
