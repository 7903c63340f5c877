import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../src/engine/engine.js';
import { B_SLOTS, F_EVENTS, PROFILE_BYTES, U_SLOTS } from '../../src/engine/profile/layout.js';
import { Profile } from '../../src/engine/profile/profile.js';
import { ProfileArena } from '../../src/engine/profile/profile-arena.js';
import { ProfileStore } from '../../src/engine/profile/profile-store.js';
import { AFTER, aliceHistory, ev, run, T0 } from './helpers/events.js';

describe('profile arena', () => {
  it('hands out disjoint zeroed regions from shared buffers and reuses freed ones zeroed', () => {
    const arena = new ProfileArena();
    const seen = new Set<string>();
    let firstBuffer: ArrayBuffer | undefined;
    for (let i = 0; i < 600; i++) {
      const { slab, offset } = arena.take();
      const buffer = slab.buffer;
      firstBuffer ??= buffer;
      assert.equal(offset % 8, 0);
      assert.ok(offset + PROFILE_BYTES <= buffer.byteLength);
      const view = new Uint8Array(buffer, offset, PROFILE_BYTES);
      assert.ok(
        view.every((b) => b === 0),
        'fresh region is zeroed',
      );
      view.fill(7); // a later region overlapping this one would not be zero
      const id = `${buffer === firstBuffer ? 'first' : buffer.byteLength}:${offset}:${i < 256 ? 0 : i}`;
      assert.ok(!seen.has(id));
      seen.add(id);
    }
    const { slab, offset } = arena.take();
    const buffer = slab.buffer;
    assert.equal(slab.u8.buffer, buffer);
    assert.equal(slab.u32.buffer, buffer);
    assert.equal(slab.f64.buffer, buffer);
    new Uint8Array(buffer, offset, PROFILE_BYTES).fill(9);
    arena.give(slab, offset);
    assert.equal(arena.free, 1);
    const again = arena.take();
    assert.equal(again.slab, slab);
    assert.equal(again.offset, offset);
    assert.ok(new Uint8Array(buffer, again.offset, PROFILE_BYTES).every((b) => b === 0));
  });

  it('profiles do not share memory, and an evicted profile returns its region to a new one, zeroed', () => {
    const a = new Profile('a', undefined);
    const b = new Profile('b', undefined);
    a.f[a.fo + F_EVENTS] = 5;
    // u and b view the whole slab: each profile owns U_SLOTS / B_SLOTS of it from its own offset.
    a.b.fill(3, a.bo, a.bo + B_SLOTS);
    a.u.fill(4, a.uo, a.uo + U_SLOTS);
    assert.equal(b.f[b.fo + F_EVENTS], 0);
    assert.ok(b.b.subarray(b.bo, b.bo + B_SLOTS).every((x) => x === 0) && b.u.subarray(b.uo, b.uo + U_SLOTS).every((x) => x === 0));
    // Every slot of a profile lies inside its own region.
    for (const p of [a, b]) {
      const start = p.fo * 8;
      assert.equal(p.f.buffer, p.b.buffer);
      assert.ok(p.uo * 4 >= start && (p.uo + U_SLOTS) * 4 <= start + PROFILE_BYTES);
      assert.ok(p.bo >= start && p.bo + B_SLOTS <= start + PROFILE_BYTES);
    }
    assert.equal(a.bytes().length, PROFILE_BYTES);

    const store = new ProfileStore(2, 1000);
    const old = store.get('k1', undefined);
    old.f[old.fo + F_EVENTS] = 9;
    old.f[old.fo + 1] = 1; // F_LAST_TS: active at t=1
    const k2 = store.get('k2', undefined);
    k2.f[k2.fo + 1] = 50;
    store.sweep(10_000); // both idle past the TTL
    assert.equal(store.map.size, 0);
    assert.equal(store.evictions, 2);
    const fresh = store.get('k3', undefined);
    assert.equal(fresh.f[fresh.fo + F_EVENTS], 0, 'reused region starts empty');
    fresh.release();
    fresh.release(); // a second release must not hand the region out twice
    const x = new Profile('x', undefined);
    const y = new Profile('y', undefined);
    x.f[x.fo + F_EVENTS] = 1;
    assert.equal(y.f[y.fo + F_EVENTS], 0);
  });

  it('restoring over a used engine (twice) releases its old profiles without disturbing the restored ones', () => {
    const original = createDetectionEngine();
    run(original, aliceHistory());
    const bytes = original.snapshot();
    const other = createDetectionEngine();
    run(other, [ev({ at: T0, cred: 'AKIAOTHER', principal: 'bob', place: 'paris', client: 'awsCli', op: 's3:ListBuckets' })]);
    other.restore(bytes);
    other.restore(bytes); // the first restore's profiles go back to the arena
    // New profiles take the released regions; they must start empty and not alias the restored ones.
    run(other, [ev({ at: AFTER, cred: 'AKIANEW', principal: 'carol', place: 'newYork', client: 'chromeMac', op: 's3:ListBuckets' })]);
    assert.equal(other.stats().credentials, original.stats().credentials + 1);
    // A stolen key used from a VPS: the restored baseline must judge it exactly as the original does.
    const stolen = { cred: 'AKIAALICE', principal: 'alice', place: 'frankfurtVps', client: 'boto3', op: 'iam:AttachUserPolicy' } as const;
    const judged = (engine: typeof original) =>
      run(engine, [ev({ at: AFTER + 5000, ...stolen })]).map((x) => `${x.rule}/${x.severity}/${x.score}`);
    const expected = judged(original);
    assert.ok(expected.length > 0);
    assert.deepEqual(judged(other), expected);
  });
});
