import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { type ClientCredentials, clientCredentialsToken, introspectAs } from '../support/client-requests.js';
import { runCodeFlow } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

// Alerts, incidents and the response API name a JWT access token by its jti, so revoking by that
// id must work, reach every gateway (the revocation log) and introspection, and a made-up id must
// still be unknown.
describe('revoking a JWT access token by its id (jti)', () => {
  let h: Harness;
  let client: ClientCredentials;
  before(async () => {
    h = await startHarness();
    const created = await h.service.admin.createClient({ name: 'svc', grantTypes: ['client_credentials'], scopes: ['read'] });
    client = { id: created.client_id, secret: created.client_secret as string };
  });
  after(() => h.close());

  it('revokes a client_credentials token by its jti: log entry, resource-server check and introspection', async () => {
    const token = await clientCredentialsToken(h, client);
    const claims = decodeJwt(token) as { jti: string; exp: number; sub: string };
    assert.equal((await introspectAs(h, client, token)).active, true);
    const seq = (await h.service.view.revocationsSince(0)).at(-1)?.seq ?? 0;

    const result = await h.service.admin.revoke(claims.jti, { actor: 'test', reason: 'alert on this jti' });
    assert.deepEqual(result, { revoked: 'access_token', id: claims.jti });

    const fresh = await h.service.view.revocationsSince(seq);
    assert.deepEqual(
      fresh.map((r) => [r.kind, r.value]),
      [['jti', claims.jti]],
      'the gateways follow this log',
    );
    assert.ok(Date.parse(fresh[0]?.expires_at as string) >= claims.exp * 1000, 'kept at least until the token expires');
    assert.equal(await h.service.view.isAccessTokenRevoked(claims as never), true);
    assert.equal((await introspectAs(h, client, token)).active, false);
    assert.equal((await h.service.view.introspect(token)).active, false);

    const again = await h.service.admin.revoke(claims.jti, { actor: 'test' });
    assert.deepEqual(again, { revoked: 'access_token', id: claims.jti }, 'idempotent');
    assert.equal((await h.service.view.revocationsSince(seq)).length, 1);
  });

  it('revokes a user access token (code flow) by its jti and leaves its refresh family', async () => {
    const s = await runCodeFlow(h);
    const { jti } = decodeJwt(s.tokens.access_token) as { jti: string };
    assert.equal((await h.service.admin.revoke(jti, { actor: 'test' })).revoked, 'access_token');
    assert.equal((await h.service.view.introspect(s.tokens.access_token)).active, false);
    assert.equal((await h.service.view.introspect(s.tokens.refresh_token as string)).active, true);
  });

  it('still answers TW_NOT_FOUND for an id this service never issued, and writes nothing', async () => {
    const seq = (await h.service.view.revocationsSince(0)).at(-1)?.seq ?? 0;
    for (const id of ['dyQfDrX2EYFSw4g1szktsbtr0Z2c0yKnKO9xphIDqvn', 'not-a-jti']) {
      await assert.rejects(h.service.admin.revoke(id, { actor: 'test' }), (e: Error & { code?: string }) => e.code === 'TW_NOT_FOUND');
    }
    assert.equal((await h.service.view.revocationsSince(seq)).length, 0);
  });
});
