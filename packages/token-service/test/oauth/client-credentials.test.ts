import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { runCodeFlow } from '../support/code-flow.js';
import { type Harness, insecure, startHarness } from '../support/harness.js';

describe('client_credentials with DPoP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('publishes RFC 8414 metadata identical to OIDC discovery', async () => {
    const rfc8414 = (await (await fetch(`${h.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    const oidc = (await (await fetch(`${h.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(rfc8414, oidc);
    assert.equal(rfc8414.issuer, h.issuer);
    assert.deepEqual(rfc8414.response_types_supported, ['code']);
    assert.deepEqual(rfc8414.code_challenge_methods_supported, ['S256']);
    assert.ok(!(rfc8414.grant_types_supported as string[]).includes('implicit'));
    assert.ok(!(rfc8414.grant_types_supported as string[]).includes('password'));
    assert.ok(rfc8414.dpop_signing_alg_values_supported);
    assert.ok(rfc8414.introspection_endpoint);
    assert.ok(rfc8414.revocation_endpoint);
  });

  it('issues a DPoP-bound EdDSA JWT with the default audience and the intersected scopes', async () => {
    const created = await h.service.admin.createClient({ name: 'worker', grantTypes: ['client_credentials'], scopes: ['read', 'write'] });
    assert.ok(created.client_secret && created.client_secret.length >= 43, 'secret carries at least 256 bits');
    const client: oauth.Client = { client_id: created.client_id };
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, keyPair);
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      client,
      oauth.ClientSecretBasic(created.client_secret as string),
      new URLSearchParams({ scope: 'read admin' }),
      { DPoP, ...insecure },
    );
    const tokens = await oauth.processClientCredentialsResponse(h.as, client, response);
    assert.equal(tokens.token_type, 'dpop');
    assert.equal(tokens.scope, 'read');
    assert.ok((tokens.expires_in ?? 0) <= 300);
    const [header, payload] = tokens.access_token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.aud, `${h.issuer}/api`);
    assert.equal(payload.cnf.jkt, await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)));
    assert.ok(payload.jti);
    const claims = await h.service.view.introspect(tokens.access_token);
    assert.equal(claims.active, true);
    assert.ok(h.events.some((e) => e.type === 'token.issued' && e.credential_kind === 'access_token' && e.source_ip === '127.0.0.1'));
  });

  it('refuses a wrong client secret and reports the failure', async () => {
    const created = await h.service.admin.createClient({ name: 'worker2', grantTypes: ['client_credentials'], scopes: ['read'] });
    const client: oauth.Client = { client_id: created.client_id };
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      client,
      oauth.ClientSecretBasic('wrong-secret'),
      new URLSearchParams(),
      insecure,
    );
    await assert.rejects(oauth.processClientCredentialsResponse(h.as, client, response), (e: unknown) => {
      return e instanceof oauth.WWWAuthenticateChallengeError && e.status === 401;
    });
    assert.ok(h.events.some((e) => e.type === 'client_auth.failure' && e.client_id === created.client_id));
  });

  it('refuses with invalid_scope a request for scopes the client may not hold at all', async () => {
    const created = await h.service.admin.createClient({ name: 'worker3', grantTypes: ['client_credentials'], scopes: ['read'] });
    const client: oauth.Client = { client_id: created.client_id };
    const auth = oauth.ClientSecretBasic(created.client_secret as string);
    const response = await oauth.clientCredentialsGrantRequest(h.as, client, auth, new URLSearchParams({ scope: 'admin write' }), insecure);
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error?: string }).error, 'invalid_scope');
    const none = await oauth.clientCredentialsGrantRequest(h.as, client, auth, new URLSearchParams(), insecure);
    assert.equal((await oauth.processClientCredentialsResponse(h.as, client, none)).scope, undefined, 'asking for nothing still works');
  });

  it("still signs a person in who asks for OIDC scopes beside none of the client's", async () => {
    const s = await runCodeFlow(h, { scope: 'openid offline_access profile email' });
    assert.ok(s.tokens.access_token);
    assert.equal((await h.service.view.introspect(s.tokens.access_token)).active, true);
  });
});
