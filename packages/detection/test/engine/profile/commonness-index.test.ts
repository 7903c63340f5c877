import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '@tokenwarden/core';
import { CommonnessIndex } from '../../../src/engine/profile/org-stats.js';
import { HllCounter } from '../../../src/engine/sketches/hyperloglog.js';

describe('CommonnessIndex', () => {
  it('answers as one HyperLogLog per value would, through growth, pruning, colliding values and reused slots', () => {
    const rnd = seededRandom(11);
    const index = new CommonnessIndex(300);
    let model = new Map<number, HllCounter>();
    // Values beyond the small-integer range, small ones, and ones that share a cache entry (same low bits).
    const values = [
      ...Array.from({ length: 200 }, () => Math.floor(rnd() * 2 ** 32)),
      ...Array.from({ length: 200 }, (_, i) => i),
      ...Array.from({ length: 100 }, (_, i) => i * 65_536),
    ];
    for (let step = 0; step < 40_000; step++) {
      const value = values[Math.floor(rnd() * rnd() * values.length)] as number;
      const principal = Math.floor(rnd() * 2 ** 32);
      if (rnd() < 0.5) assert.equal(index.principals(value), model.get(value)?.estimate ?? 0, `value ${value} at step ${step}`);
      const pruning = !model.has(value) && model.size >= 300;
      index.add(value, principal);
      if (pruning) {
        // What prune() keeps: the values with more than one principal, unless that is still too many.
        const kept = new Map([...model].filter(([, c]) => c.estimate > 1));
        model = kept.size >= 300 ? new Map() : kept;
      }
      let counter = model.get(value);
      if (counter === undefined) {
        counter = new HllCounter(new Uint8Array(128));
        model.set(value, counter);
      }
      counter.add(principal);
      assert.equal(index.size, model.size);
    }
    for (const [value, counter] of model) assert.equal(index.principals(value), counter.estimate);
  });
});
