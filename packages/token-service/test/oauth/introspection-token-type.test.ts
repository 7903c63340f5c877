import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { type ClientCredentials, clientCredentialsToken, introspectAs } from '../support/client-requests.js';
import { type Harness, insecure, startHarness } from '../support/harness.js';

// Introspection answered token_type "access_token" for a DPoP-bound JWT: a resource server keying
// on token_type (RFC 7662, RFC 9449 §6.2) would accept it without a proof.
describe('introspection token_type of access tokens', () => {
  let h: Harness;
  let client: ClientCredentials;
  before(async () => {
    h = await startHarness();
    const c = await h.service.admin.createClient({ name: 'rs', grantTypes: ['client_credentials'], scopes: ['read'] });
    client = { id: c.client_id, secret: c.client_secret as string };
  });
  after(() => h.close());

  it('says DPoP for a DPoP-bound token, twice (the second answer comes from the cache)', async () => {
    const oc: oauth.Client = { client_id: client.id };
    const DPoP = oauth.DPoP(oc, await oauth.generateKeyPair('ES256'));
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      oc,
      oauth.ClientSecretBasic(client.secret),
      new URLSearchParams({ scope: 'read' }),
      {
        DPoP,
        ...insecure,
      },
    );
    const tokens = await oauth.processClientCredentialsResponse(h.as, oc, response);
    for (let i = 0; i < 2; i++) {
      const answer = await introspectAs(h, client, tokens.access_token);
      assert.equal(answer.active, true);
      assert.equal(answer.token_type, 'DPoP');
      assert.ok((answer.cnf as { jkt?: string }).jkt);
    }
  });

  it('says Bearer for an unbound token, and a client can still revoke its own', async () => {
    const token = await clientCredentialsToken(h, client);
    assert.equal((await introspectAs(h, client, token)).token_type, 'Bearer');
    const res = await oauth.revocationRequest(h.as, { client_id: client.id }, oauth.ClientSecretBasic(client.secret), token, insecure);
    assert.equal(res.status, 200);
    assert.deepEqual(await introspectAs(h, client, token), { active: false });
  });
});
