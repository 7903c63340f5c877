import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent, LifecycleEvent } from '@tokenwarden/core';
import { detectionMigrations, EngineStateStore } from '@tokenwarden/detection';
import { openTestDatabase, type TestDatabase } from '@tokenwarden/store/testing';
import { StoreTail } from '../../src/worker/store-tail.js';

function access(id: string, time: number): AccessEvent {
  return {
    id,
    time: new Date(time).toISOString(),
    credential_id: 'key_tail',
    credential_kind: 'api_key',
    principal: 'alice',
    source_ip: '91.64.12.34',
    method: 'GET',
    path: '/api/me',
    outcome: 'success',
    status: 200,
    source_system: 'gateway',
  };
}

/** A bus that records what it is given; the "consumer" finishes each event at once. */
function recordingBus() {
  const seen: string[] = [];
  return {
    seen,
    bus: {
      async publish(topic: string, event: { id: string }) {
        seen.push(`${topic}:${event.id}`);
      },
    },
  };
}

describe('store tail (embedded event source)', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('sqlite', detectionMigrations);
  });
  after(async () => {
    await t.dispose();
  });

  const tailOver = (rec: ReturnType<typeof recordingBus>, name: string, pageSize = 1000) =>
    new StoreTail({
      repos: t.repos,
      bus: rec.bus as never,
      states: new EngineStateStore(t.database),
      cursorName: name,
      processed: () => rec.seen.length,
      latenessMs: 2000,
      pageSize,
      pollMs: 10_000,
    });

  it('publishes access and lifecycle events merged in time order, each once, and late ones inside the window', async () => {
    const now = Date.now();
    await t.repos.accessEvents.insertMany([access('evt_a1', now - 5000), access('evt_a3', now - 1000)]);
    const lifecycle: LifecycleEvent = {
      id: 'lc_1',
      time: new Date(now - 3000).toISOString(),
      type: 'canary.used',
      credential_id: 'key_tail',
      source_system: 'token-service',
    };
    await t.repos.lifecycleEvents.insertMany([lifecycle]);
    const rec = recordingBus();
    const tail = tailOver(rec, 'tail:order');
    assert.equal(await tail.pollOnce(), 3);
    assert.deepEqual(rec.seen, ['access:evt_a1', 'lifecycle:lc_1', 'access:evt_a3']);
    // Nothing new: nothing published again.
    assert.equal(await tail.pollOnce(), 0);
    // A writer flushing late: 1.5 s behind the newest event is inside the 2 s window; 10 s is not.
    await t.repos.accessEvents.insertMany([access('evt_late_ok', now - 2500), access('evt_too_late', now - 10_000)]);
    assert.equal(await tail.pollOnce(), 1);
    assert.deepEqual(rec.seen.slice(3), ['access:evt_late_ok']);
  });

  it('pages through more events than one query returns', async () => {
    const base = Date.now() - 60_000;
    const many = Array.from({ length: 25 }, (_, i) => ({
      ...access(`evt_p${String(i).padStart(2, '0')}`, base + i),
      credential_id: 'key_pages',
    }));
    await t.repos.accessEvents.insertMany(many);
    const rec = recordingBus();
    const tail = tailOver(rec, 'tail:pages', 10);
    let total = 0;
    for (let i = 0; i < 5; i++) total += await tail.pollOnce();
    const pages = rec.seen.filter((s) => s.startsWith('access:evt_p'));
    assert.equal(pages.length, 25);
    assert.equal(new Set(rec.seen).size, rec.seen.length, 'no event published twice');
    assert.equal(total, rec.seen.length);
  });

  it('resumes from its saved cursor after a restart, without re-reading the window', async () => {
    const rec = recordingBus();
    const first = tailOver(rec, 'tail:resume');
    await first.pollOnce();
    const count = rec.seen.length;
    assert.ok(count > 0);
    await first.stop();

    const rec2 = recordingBus();
    const second = tailOver(rec2, 'tail:resume');
    await second.start();
    await second.stop();
    assert.deepEqual(rec2.seen, []);
    await t.repos.accessEvents.insertMany([access('evt_after_resume', Date.now())]);
    const third = tailOver(rec2, 'tail:resume');
    await third.start();
    await third.stop();
    assert.deepEqual(rec2.seen, ['access:evt_after_resume']);
  });

  it('refuses an unreadable cursor instead of re-reading the whole history', async () => {
    await new EngineStateStore(t.database).save('tail:broken', new TextEncoder().encode('{"v":9}'));
    const tail = tailOver(recordingBus(), 'tail:broken');
    await assert.rejects(tail.start(), { code: 'TW_CONFLICT' });
  });
});
