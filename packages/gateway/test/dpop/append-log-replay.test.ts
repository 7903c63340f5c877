// The embedded default's DPoP replay store: append-only logs in one directory shared by every
// gateway process. It must answer exactly as the in-memory reference does, across instances and
// epochs; exactly one of several processes racing with the same proofs may win each; a stalled
// write is refused; expired files go away; a damaged file fails closed with its name.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { seededRandom, TokenWardenError } from '@tokenwarden/core';
import { AppendLogJtiReplayStore, replayDirFor } from '../../src/append-log-jti-replay-store.js';
import { MemoryJtiReplayStore } from '../../src/jti-replay-store.js';
import { runModule } from '../support/run-module.js';

const replayDir = () => join(mkdtempSync(join(tmpdir(), 'tw-gw-append-replay-')), 'gateway-dpop-replay');

// A clock tests move by hand, shared by the instances that stand for processes on one machine.
function manualClock(start: number) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

describe('append-log DPoP replay store', () => {
  it('lives next to the store file', () => {
    assert.equal(replayDirFor('/data/tokenwarden.db'), join('/data', 'gateway-dpop-replay'));
  });

  it('a proof is accepted once, by any of the instances on one directory, and after a restart', () => {
    const dir = replayDir();
    const a = AppendLogJtiReplayStore.open(dir);
    const b = AppendLogJtiReplayStore.open(dir);
    try {
      const later = Date.now() + 300_000;
      assert.equal(a.claim('jkt:one', later), true);
      assert.equal(b.claim('jkt:one', later), false, 'the other instance sees the claim');
      assert.equal(a.claim('jkt:one', later), false);
      assert.equal(b.claim('jkt:two', later), true);
      assert.equal(a.claim('jkt:two', later), false);
      // The read-only peek knows the claims read so far, its own and the other's; never a new one.
      assert.equal(a.seen('jkt:one'), true);
      assert.equal(b.seen('jkt:one'), true);
      assert.equal(a.seen('jkt:never'), false);
      assert.equal(a.claim('jkt:never', later), true, 'a peek claims nothing');
    } finally {
      a.close();
      b.close();
    }
    const restarted = AppendLogJtiReplayStore.open(dir);
    try {
      assert.equal(restarted.claim('jkt:one', Date.now() + 300_000), false, 'claims survive a restart');
      assert.equal(restarted.claim('jkt:three', Date.now() + 300_000), true);
    } finally {
      restarted.close();
    }
  });

  it('gives the in-memory answers on seeded random claims spread over three instances (differential)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const clock = manualClock(1_800_000_000_000);
      const dir = replayDir();
      const stores = [0, 1, 2].map(() => AppendLogJtiReplayStore.open(dir, { epochMs: 1_000, now: clock.now }));
      const reference = new MemoryJtiReplayStore();
      const expiries = new Map<string, number>();
      const realNow = Date.now;
      // The reference reads Date.now: it follows the same manual clock.
      Date.now = clock.now;
      try {
        for (let step = 0; step < 400; step++) {
          // Time moves 0–300 ms per step: many epochs of one second, and claims that expire.
          clock.t += Math.floor(random() * 300);
          const key = `jkt:${Math.floor(random() * 30)}`;
          // A proof's expiry follows from its own iat: a replay carries the expiry of the first
          // claim. Once that has passed, the key comes back as a new proof (or an expired one).
          const live = expiries.get(key);
          const expiresAt =
            live !== undefined && live > clock.t ? live : random() < 0.1 ? clock.t - 1 : clock.t + 200 + Math.floor(random() * 3_000);
          expiries.set(key, expiresAt);
          const store = stores[Math.floor(random() * 3)] as AppendLogJtiReplayStore;
          assert.equal(store.claim(key, expiresAt), reference.claim(key, expiresAt), `seed ${seed}, step ${step}, ${key}`);
        }
      } finally {
        Date.now = realNow;
        for (const s of stores) s.close();
      }
    }
  });

  it('a claim made in an earlier epoch is still seen in the next ones until it expires', () => {
    const clock = manualClock(1_800_000_000_000);
    const dir = replayDir();
    const a = AppendLogJtiReplayStore.open(dir, { epochMs: 1_000, now: clock.now });
    const b = AppendLogJtiReplayStore.open(dir, { epochMs: 1_000, now: clock.now });
    try {
      const expiresAt = clock.t + 10_000;
      assert.equal(a.claim('jkt:k', expiresAt), true);
      // b has not looked at the directory since it opened; nine epochs later it still finds the claim.
      clock.t += 9_000;
      assert.equal(b.claim('jkt:k', expiresAt), false);
      clock.t += 1_001;
      assert.equal(b.claim('jkt:k', clock.t + 10_000), true, 'expired: the key may be claimed again');
    } finally {
      a.close();
      b.close();
    }
  });

  it('a write that returns long after its epoch ended is refused', () => {
    // The claim reads the clock twice: before choosing the epoch, and after its write returns.
    const base = 1_800_000_000_000;
    let script: number[] = [];
    const store = AppendLogJtiReplayStore.open(replayDir(), { epochMs: 1_000, now: () => script.shift() ?? base });
    try {
      script = [base + 500, base + 1_500];
      assert.equal(store.claim('jkt:in-time', base + 100_000), true, 'half a second late is still in time');
      script = [base + 2_500, base + 5_000];
      assert.equal(store.claim('jkt:stalled', base + 100_000), false);
    } finally {
      store.close();
    }
  });

  it('deletes a file once its epoch is over and every claim in it has expired', async () => {
    const clock = manualClock(1_800_000_000_000);
    const dir = replayDir();
    const store = AppendLogJtiReplayStore.open(dir, { epochMs: 1_000, upkeepMs: 5, now: clock.now });
    try {
      store.claim('jkt:short', clock.t + 500);
      store.claim('jkt:long', clock.t + 60_000);
      clock.t += 1_000;
      store.claim('jkt:next', clock.t + 500);
      assert.equal(readdirSync(dir).length, 2);
      clock.t += 5_000;
      store.claim('jkt:later', clock.t + 500);
      await new Promise((resolve) => setTimeout(resolve, 30));
      // The first file still holds a live claim; the second has only expired ones.
      assert.deepEqual(readdirSync(dir).sort(), ['1800000000.claims', '1800000006.claims']);
      assert.equal(store.claim('jkt:long', clock.t + 60_000), false);
    } finally {
      store.close();
    }
  });

  it('a damaged file makes claims fail closed with the file and offset named, and opens fail the same way', () => {
    const clock = manualClock(1_800_000_000_000);
    const dir = replayDir();
    const store = AppendLogJtiReplayStore.open(dir, { epochMs: 60_000, now: clock.now });
    try {
      assert.equal(store.claim('jkt:a', clock.t + 1_000), true);
      // A torn record followed by another process's whole record: the stream is misaligned.
      appendFileSync(join(dir, '30000000.claims'), Buffer.alloc(20, 7));
      appendFileSync(join(dir, '30000000.claims'), Buffer.alloc(48, 7));
      assert.throws(
        () => store.claim('jkt:b', clock.t + 1_000),
        (e: unknown) =>
          e instanceof TokenWardenError && e.code === 'TW_UNAVAILABLE' && /30000000\.claims is damaged at byte 48/.test(e.message),
      );
    } finally {
      store.close();
    }
    writeFileSync(join(dir, '29999999.claims'), Buffer.alloc(48, 1));
    assert.throws(() => AppendLogJtiReplayStore.open(dir, { now: clock.now }), /29999999\.claims is damaged at byte 0/);
  });

  it('refuses claims after close', () => {
    const store = AppendLogJtiReplayStore.open(replayDir());
    store.close();
    assert.throws(() => store.claim('jkt:x', Date.now() + 1_000), /closed/);
  });

  it('three processes racing with the same 20,000 proofs: each is won exactly once', async () => {
    const dir = replayDir();
    const go = join(dir, '..', 'go');
    // Each child opens the store, says it is ready, and waits for the go file: all three then claim
    // the same keys at the same moment. Enough keys that a child the scheduler starts late (a loaded
    // 2-core host) still arrives before the first one is through them.
    const child = `
      import { existsSync } from 'node:fs';
      import { AppendLogJtiReplayStore } from './packages/gateway/src/append-log-jti-replay-store.ts';
      const [dir, go] = process.argv.slice(1);
      const store = AppendLogJtiReplayStore.open(dir);
      process.stderr.write('ready\\n');
      while (!existsSync(go)) {}
      const won = [];
      const expiresAt = Date.now() + 300000;
      for (let i = 0; i < 20000; i++) if (store.claim('jkt:race-' + i, expiresAt)) won.push(i);
      store.close();
      process.stdout.write(JSON.stringify(won));`;
    let ready = 0;
    const outputs = Promise.all(
      [0, 1, 2].map(() =>
        runModule(child, [dir, go], () => {
          ready += 1;
          if (ready === 3) writeFileSync(go, '');
        }),
      ),
    );
    const counts = new Map<number, number>();
    const lists = (await outputs).map((o) => JSON.parse(o) as number[]);
    for (const list of lists) for (const i of list) counts.set(i, (counts.get(i) ?? 0) + 1);
    assert.equal(counts.size, 20000, 'every proof won by some process');
    assert.ok(
      [...counts.values()].every((c) => c === 1),
      'no proof won twice',
    );
    assert.ok(lists.filter((l) => l.length > 0).length >= 2, `the processes really raced: ${lists.map((l) => l.length).join(', ')}`);
  });
});
