import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../support/harness.js';

// The incident path: a service-account token leaks, is revoked (or suspended while someone looks),
// and the account is rotated to hand its owner a fresh one. The fresh token must keep the
// account's audience, and a suspended predecessor must not come back for its full life later.
describe('service-account rotation after its token was revoked or suspended', () => {
  let h: Harness;
  const audience = ['https://billing.example.test/api'];
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const create = (name: string) =>
    h.service.admin.createServiceAccount({ name, owner: 'alice', scopes: ['export:read'], audience, overlapMs: 60_000 });

  it('keeps the audience when the current token was revoked', async () => {
    const sa = await create('leaked-export');
    await h.service.admin.revoke(sa.id);
    const next = await h.service.admin.rotateServiceAccount('leaked-export');
    const record = await h.service.view.findKey(next.key);
    assert.equal(record?.status, 'active');
    assert.deepEqual(record?.audience, audience);
    assert.equal((await h.service.view.introspect(next.key)).active, true);
  });

  it('keeps the audience and supersedes the current token when it was suspended', async () => {
    const sa = await create('suspended-export');
    assert.equal(await h.service.admin.suspend(sa.id), true);
    const next = await h.service.admin.rotateServiceAccount('suspended-export');
    assert.deepEqual((await h.service.view.findKey(next.key))?.audience, audience);
    assert.equal(await h.service.admin.reinstate(sa.id), true);
    const old = await h.service.view.findKey(sa.key);
    assert.ok(
      Date.parse(old?.expires_at as string) <= Date.now() + 60_000,
      'the reinstated predecessor ends with the overlap, not its own 30 days',
    );
  });

  it('rotates the account named by one of its tokens (as incidents name it), and says until when the old token works', async () => {
    const sa = await create('incident-export');
    const next = await h.service.admin.rotateServiceAccount(sa.id);
    assert.equal(next.service_account_id, sa.service_account_id);
    const old = next.superseded?.find((s) => s.id === sa.id);
    assert.ok(old, JSON.stringify(next.superseded));
    assert.ok(Date.parse(old.valid_until) <= Date.now() + 60_000);
    assert.equal((await h.service.view.introspect(next.key)).active, true);
    assert.equal(await h.service.admin.findUser('incident-export'), undefined, 'a service account is no user');
  });
});
