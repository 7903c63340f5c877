import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../support/harness.js';

// Values `keys create` and `service-accounts create` accepted although they make a credential
// wider or deader than anyone meant: no scope at all (passed every route naming none), an audience
// no resource server can match, and an overlap that keeps a pile of rotated tokens alive.
describe('checks on API-key and service-account input', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const usage = (e: unknown): boolean => (e as { code?: string }).code === 'TW_USAGE';

  it('refuses a key with no scope', async () => {
    await assert.rejects(h.service.admin.createApiKey({ subject: 'ci', scopes: [] }), usage);
  });

  it('refuses a key whose audience is not an absolute URI, and accepts one that is', async () => {
    await assert.rejects(h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'], audience: ['not a uri'] }), usage);
    const ok = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'], audience: ['https://api.example.test'] });
    assert.deepEqual(ok.record.audience, ['https://api.example.test']);
  });

  it('refuses a service account whose overlap is longer than its rotation interval', async () => {
    await assert.rejects(
      h.service.admin.createServiceAccount({
        name: 'pile',
        owner: 'team-a',
        scopes: ['read'],
        tokenLifetimeMs: 30 * 86_400_000,
        rotationIntervalMs: 86_400_000,
        overlapMs: 10 * 86_400_000,
      }),
      usage,
    );
  });
});
