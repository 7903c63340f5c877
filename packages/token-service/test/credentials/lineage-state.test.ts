import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../support/harness.js';

// Forensics lists what a stolen credential created and whether it still works: the lineage has to say
// what state each of those things is in now, not what it was when created.
describe('lineage entries carry the current state of what they name', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('revoked, suspended and live keys; suspended and active users with their logins', async () => {
    const stolen = await h.service.admin.createApiKey({ subject: 'alice', scopes: ['admin'] });
    const by = { createdByCredentialId: stolen.id };
    const revoked = await h.service.admin.createApiKey({ subject: 'alice', scopes: ['admin'], ...by });
    const suspended = await h.service.admin.createApiKey({ subject: 'alice', scopes: ['admin'], ...by });
    const live = await h.service.admin.createApiKey({ subject: 'alice', scopes: ['read'], ...by });
    const backdoor = await h.service.admin.createUser({ login: 'svc-backup', password: 'correct horse battery', ...by });
    const other = await h.service.admin.createUser({ login: 'svc-other', password: 'correct horse battery', ...by });
    await h.service.admin.revoke(revoked.id, { actor: 'test', reason: 'contained' });
    assert.equal(await h.service.admin.suspend(suspended.id, { actor: 'test' }), true);
    assert.equal(await h.service.admin.suspend(backdoor.id, { actor: 'test' }), true);

    const state = new Map((await h.service.admin.lineage(stolen.id)).map((e) => [e.entity_id, [e.status, e.name]]));
    assert.deepEqual(state.get(revoked.id), ['revoked', undefined]);
    assert.deepEqual(state.get(suspended.id), ['suspended', undefined]);
    assert.deepEqual(state.get(live.id), ['active', undefined]);
    assert.deepEqual(state.get(backdoor.id), ['suspended', 'svc-backup']);
    assert.deepEqual(state.get(other.id), ['active', 'svc-other']);
    assert.equal(await h.service.admin.creatorOf(backdoor.id), stolen.id, 'lineage upwards, for incident grouping');
    assert.equal(await h.service.admin.creatorOf(stolen.id), undefined);
    // The suspension events name a user as the principal and a key as the credential.
    const suspensions = h.events.filter((e) => e.type === 'token.suspended');
    assert.deepEqual(
      suspensions.map((e) => [e.credential_id, e.principal, e.details?.actor]),
      [
        [suspended.id, undefined, 'test'],
        [undefined, backdoor.id, 'test'],
      ],
    );
  });
});
