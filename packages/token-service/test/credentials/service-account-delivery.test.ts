import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../support/harness.js';

const DAY = 86_400_000;

// Scheduled rotation ran in `serve` and the new token went nowhere: after the overlap the owner's
// only token died and no one could ever learn the live one. Now every new token is written to the
// account's delivery file, and accounts without one are not rotated on schedule.
describe('service-account token delivery', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const create = (name: string, deliverTo?: string) =>
    h.service.admin.createServiceAccount({
      name,
      owner: 'team-a',
      scopes: ['read'],
      tokenLifetimeMs: 30 * DAY,
      rotationIntervalMs: 7 * DAY,
      overlapMs: 60_000,
      ...(deliverTo ? { deliverTo } : {}),
    });
  const fileToken = (path: string): string => readFileSync(path, 'utf8').trim();

  it('writes the first token and every scheduled rotation to the delivery file, readable by its owner only', async () => {
    const file = join(h.dataDir, 'export.token');
    const sa = await create('export', file);
    assert.equal(sa.delivered_to, file);
    assert.equal(fileToken(file), sa.key);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const rotated = await h.service.admin.rotateDue(new Date(Date.now() + 8 * DAY));
    const next = rotated.find((r) => r.service_account_id === sa.service_account_id);
    assert.ok(next, 'rotated on schedule');
    assert.equal(fileToken(file), next.key, 'the owner can read the live token');
    assert.equal((await h.service.view.introspect(next.key)).active, true);
    assert.equal((await h.service.view.findKey(sa.key))?.status, 'active', 'the old one works during the overlap');
  });

  it('still rotates an account without a delivery file on schedule (its owner fetches the token by hand)', async () => {
    const sa = await create('no-file');
    assert.equal(sa.delivered_to, undefined);
    const rotated = await h.service.admin.rotateDue(new Date(Date.now() + 8 * DAY));
    assert.ok(rotated.some((r) => r.service_account_id === sa.service_account_id));
    const record = await h.service.view.findKey(sa.key);
    assert.ok(Date.parse(record?.expires_at as string) < Date.now() + 10 * DAY, 'the old token now ends with the overlap');
  });

  it('does not rotate when the token cannot be delivered, and keeps the old token whole', async () => {
    const dir = join(h.dataDir, 'gone');
    mkdirSync(dir);
    const file = join(dir, 'x.token');
    const sa = await create('undeliverable', file);
    rmSync(dir, { recursive: true });
    const failures: string[] = [];
    const rotated = await h.service.admin.rotateDue(new Date(Date.now() + 8 * DAY), (id) => void failures.push(id));
    assert.ok(!rotated.some((r) => r.service_account_id === sa.service_account_id));
    assert.deepEqual(failures, [sa.service_account_id]);
    const record = await h.service.view.findKey(sa.key);
    assert.equal(record?.status, 'active');
    assert.ok(Date.parse(record?.expires_at as string) > Date.now() + 29 * DAY, 'not cut to the overlap');
    await assert.rejects(h.service.admin.rotateServiceAccount('undeliverable'), { code: 'TW_DELIVERY_FAILED' });
  });

  it('refuses a delivery file in a directory that does not exist', async () => {
    await assert.rejects(create('nowhere', join(h.dataDir, 'no-such-dir', 'x.token')), { code: 'TW_USAGE' });
  });
});
