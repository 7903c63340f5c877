import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryJtiReplayStore } from '../../src/jti-replay-store.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MemoryJtiReplayStore', () => {
  it('claims a key once while it lives, and again once it has expired', async () => {
    const s = new MemoryJtiReplayStore();
    const soon = Date.now() + 300;
    assert.equal(s.claim('a', soon), true);
    assert.equal(s.seen('a'), true);
    assert.equal(s.claim('a', Date.now() + 1000), false);
    await sleep(soon - Date.now() + 20);
    assert.equal(s.seen('a'), false);
    assert.equal(s.claim('a', Date.now() + 1000), true);
    assert.equal(s.claim('a', Date.now() + 1000), false);
  });

  it('drops expired claims as new ones arrive, without waiting for a sweep', async () => {
    const s = new MemoryJtiReplayStore();
    const soon = Date.now() + 500;
    for (let i = 0; i < 5000; i++) assert.equal(s.claim(`old-${i}`, soon), true);
    assert.equal(s.size, 5000);
    await sleep(soon - Date.now() + 20);
    assert.equal(s.claim('new', Date.now() + 60_000), true);
    assert.equal(s.size, 1);
    // A key re-claimed after expiry is not dropped by its first claim's queue entry.
    assert.equal(s.claim('old-1', Date.now() + 60_000), true);
    assert.equal(s.claim('old-1', Date.now() + 60_000), false);
  });

  it('a long-lived claim at the front holds back only the removal of those behind it', async () => {
    const s = new MemoryJtiReplayStore(3);
    assert.equal(s.claim('long', Date.now() + 60_000), true);
    assert.equal(s.claim('short-1', Date.now() + 20), true);
    assert.equal(s.claim('short-2', Date.now() + 20), true);
    await sleep(40);
    assert.equal(s.size, 3);
    // Full, but the expired claims behind the live one are swept: room again.
    assert.equal(s.claim('y', Date.now() + 1000), true);
    assert.equal(s.claim('long', Date.now() + 1000), false);
    assert.equal(s.claim('y', Date.now() + 1000), false);
  });

  it('a full store of live claims refuses new ones at constant cost (no sweep on every claim)', () => {
    const max = 200_000;
    const s = new MemoryJtiReplayStore(max);
    const expires = Date.now() + 60_000;
    for (let i = 0; i < max; i++) s.claim(`k${i}`, expires);
    // Walking 200,000 entries per claim (the old behaviour) takes seconds for 2,000 claims.
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) assert.equal(s.claim(`n${i}`, expires), false);
    const ms = performance.now() - t0;
    assert.ok(ms < 400, `2,000 refused claims took ${ms.toFixed(0)} ms`);
    assert.equal(s.claim('k7', expires), false);
  });
});
