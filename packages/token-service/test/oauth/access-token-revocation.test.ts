import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { runCodeFlow } from '../support/code-flow.js';
import { type Harness, insecure, startHarness } from '../support/harness.js';

// A client signing its user out revokes what it holds (RFC 7009): the refresh token and the access token.
// Our access tokens are JWTs, which oidc-provider will not revoke; every gateway checks their jti.
describe('RFC 7009 revocation of JWT access tokens', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const active = async (token: string): Promise<boolean> => (await h.service.view.introspect(token)).active === true;
  const revoke = (s: Awaited<ReturnType<typeof runCodeFlow>>, token: string) =>
    oauth.revocationRequest(h.as, s.client, s.clientAuth, token, insecure);

  it('revokes the access token of the client that asks, and records who did', async () => {
    const s = await runCodeFlow(h);
    assert.equal(await active(s.tokens.access_token), true);
    const response = await revoke(s, s.tokens.access_token);
    assert.equal(response.status, 200);
    await oauth.processRevocationResponse(response);
    assert.equal(await active(s.tokens.access_token), false);
    const event = h.events.find((e) => e.type === 'token.revoked' && e.details?.actor === `client:${s.client.client_id}`);
    assert.ok(event, 'a token.revoked lifecycle event names the client');
    assert.equal(await active(s.tokens.refresh_token as string), true, 'the refresh token is a separate revocation');
  });

  it('lets a public client revoke its own access token', async () => {
    const s = await runCodeFlow(h, { public: true });
    await oauth.processRevocationResponse(await revoke(s, s.tokens.access_token));
    assert.equal(await active(s.tokens.access_token), false);
  });

  it("answers 200 and leaves another client's token alone", async () => {
    const owner = await runCodeFlow(h);
    const other = await runCodeFlow(h);
    const response = await revoke(other, owner.tokens.access_token);
    assert.equal(response.status, 200);
    assert.equal(await active(owner.tokens.access_token), true);
  });

  it('answers 200 to a JWT that is not ours, and refuses a client that fails authentication', async () => {
    const s = await runCodeFlow(h);
    const [header, payload] = s.tokens.access_token.split('.');
    assert.equal((await revoke(s, `${header}.${payload}.AAAA`)).status, 200);
    assert.equal(await active(s.tokens.access_token), true);
    const wrong = await oauth.revocationRequest(h.as, s.client, oauth.ClientSecretBasic('not-the-secret'), s.tokens.access_token, insecure);
    assert.equal(wrong.status, 401);
    assert.equal(await active(s.tokens.access_token), true);
  });
});
