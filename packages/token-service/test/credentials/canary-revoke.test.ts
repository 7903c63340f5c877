import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../support/harness.js';

// `tokenwarden revoke VALUE` with a canary pasted in is a use of the canary: every format must
// raise the critical `canary.used` event, not only the JWT one.
describe('revoke by raw value of a canary', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  for (const format of ['access_token', 'refresh_token'] as const) {
    it(`reports a ${format} canary passed to revoke as canary use, and refuses to revoke it`, async () => {
      const canary = await h.service.admin.createCanary({ format, label: `bait-${format}` });
      await assert.rejects(h.service.admin.revoke(canary.value), /canary/);
      const used = h.events.filter((e) => e.type === 'canary.used' && e.credential_id === canary.id);
      assert.equal(used.length, 1);
      assert.equal(used[0]?.details?.via, 'revoke');
    });
  }

  it('still answers not found for an unknown opaque value, with no canary event', async () => {
    const before = h.events.filter((e) => e.type === 'canary.used').length;
    await assert.rejects(h.service.admin.revoke('bm90LWEtdG9rZW4tb2YtYW55LWtpbmQtMTIzNDU2'), /not found/);
    assert.equal(h.events.filter((e) => e.type === 'canary.used').length, before);
  });
});
