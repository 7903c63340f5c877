import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestDatabase } from '@tokenwarden/store/testing';
import { tokenServiceMigrations } from '../../src/storage/migrations.js';
import { typed } from '../../src/storage/schema.js';
import { type Harness, startHarness } from '../support/harness.js';

// Revoking is idempotent (RFC 7009 §2.2 answers a second revocation like the first), and the
// record of the first revocation is evidence: a later `revoke` of the same key must not rewrite
// when and why it was revoked.
describe('revoking a key twice', () => {
  let h: Harness;
  let store: Awaited<ReturnType<typeof openTestDatabase>>;
  before(async () => {
    store = await openTestDatabase('sqlite', tokenServiceMigrations);
    h = await startHarness({ database: store.database });
  });
  after(async () => {
    await h.close();
    await store.dispose();
  });

  it('succeeds again but keeps the first revocation time and reason', async () => {
    const key = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'] });
    await h.service.admin.revoke(key.id, { actor: 'alice', reason: 'pasted in a public gist' });
    const db = typed(store.database.db);
    const first = await db
      .selectFrom('ts_keys')
      .select(['revoked_at', 'revoked_reason'])
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(await h.service.admin.revoke(key.key, { actor: 'bob', reason: 'cleanup' }), { revoked: 'api_key', id: key.id });
    const second = await db
      .selectFrom('ts_keys')
      .select(['revoked_at', 'revoked_reason'])
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(second, first);
    assert.equal(first.revoked_reason, 'pasted in a public gist');
  });
});
