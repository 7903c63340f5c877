import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTokenService } from '../../src/index.js';
import { type Harness, startHarness } from '../support/harness.js';

// The provider reads the client on every token request; its records are cached while the
// revocation log has not moved. A revoked client must be refused at its very next request,
// whether the revocation came from this process or from another one on the same store.
describe('client records cached for the token endpoint', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const tokenRequest = async (id: string, secret: string): Promise<number> => {
    const res = await fetch(`${h.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=read',
    });
    await res.body?.cancel();
    return res.status;
  };

  for (const where of ['this process', 'another process'] as const) {
    it(`refuses a client revoked by ${where} at its next token request`, async () => {
      const c = await h.service.admin.createClient({ name: `cached-${where}`, grantTypes: ['client_credentials'], scopes: ['read'] });
      const secret = c.client_secret as string;
      assert.equal(await tokenRequest(c.client_id, secret), 200);
      assert.equal(await tokenRequest(c.client_id, secret), 200, 'second request (cached client record)');
      assert.equal(await tokenRequest(c.client_id, `${secret}x`), 401, 'a wrong secret is still refused with a cached record');
      if (where === 'this process') {
        await h.service.admin.revoke(c.client_id, { actor: 'test', reason: 'retired' });
      } else {
        const other = await openTokenService({ dataDir: h.dataDir, issuer: h.issuer, keyRefreshMs: 0 });
        try {
          await other.admin.revoke(c.client_id, { actor: 'cli', reason: 'retired' });
        } finally {
          await other.close();
        }
      }
      assert.equal(await tokenRequest(c.client_id, secret), 401);
    });
  }
});
