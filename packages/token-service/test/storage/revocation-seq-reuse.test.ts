import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ClientCredentials, clientCredentialsToken, introspectAs } from '../support/client-requests.js';
import { type Harness, startHarness } from '../support/harness.js';

// Reinstating a suspended key deletes the suspension's log entry. When that entry held the highest
// sequence number, the next revocation must not get the same number again: followers (gateways)
// resume after the last seq they saw and every cache keyed on the high-water mark would take the
// new revocation for the one it had already seen.
describe('revocation log sequence numbers after a reinstatement', () => {
  let h: Harness;
  let client: ClientCredentials;
  before(async () => {
    h = await startHarness();
    const c = await h.service.admin.createClient({ name: 'rs', grantTypes: ['client_credentials'], scopes: ['read'] });
    client = { id: c.client_id, secret: c.client_secret as string };
  });
  after(() => h.close());

  const accessToken = (): Promise<string> => clientCredentialsToken(h, client);
  const introspect = (token: string): Promise<Record<string, unknown>> => introspectAs(h, client, token);
  const lastSeq = async (): Promise<number> => Math.max(0, ...(await h.service.view.revocationsSince(0)).map((e) => e.seq));

  it('gives a follower that saw the suspension the revocation that comes after the reinstatement', async () => {
    const key = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'] });
    assert.equal(await h.service.admin.suspend(key.id), true);
    const cursor = await lastSeq();
    assert.equal(await h.service.admin.reinstate(key.id), true);
    const other = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'] });
    await h.service.admin.revoke(other.id);
    const seen = await h.service.view.revocationsSince(cursor);
    assert.deepEqual(
      seen.map((e) => [e.kind, e.value]),
      [['key', other.id]],
    );
    assert.ok((seen[0]?.seq ?? 0) > cursor);
  });

  it('answers a revoked access token inactive although its active answer was cached at the same mark', async () => {
    const jwt = await accessToken();
    const key = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'] });
    assert.equal(await h.service.admin.suspend(key.id), true);
    assert.equal((await introspect(jwt)).active, true, 'cached at the mark the suspension set');
    assert.equal(await h.service.admin.reinstate(key.id), true);
    await h.service.admin.revoke(jwt);
    assert.deepEqual(await introspect(jwt), { active: false });
  });
});
