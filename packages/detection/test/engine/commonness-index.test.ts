import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommonnessIndex } from '../../src/engine/profile/org-stats.js';
import { hashString } from '../../src/engine/sketches/hash.js';
import { HllCounter } from '../../src/engine/sketches/hyperloglog.js';

/** The previous definition: one HllCounter per value, single-principal values dropped past the bound. */
class ReferenceIndex {
  readonly entries = new Map<number, HllCounter>();
  constructor(private readonly maxTracked: number) {}
  add(value: number, principalHash: number): void {
    let e = this.entries.get(value);
    if (e === undefined) {
      if (this.entries.size >= this.maxTracked) {
        for (const [k, c] of this.entries) if (c.estimate <= 1) this.entries.delete(k);
        if (this.entries.size >= this.maxTracked) this.entries.clear();
      }
      e = new HllCounter(new Uint8Array(128));
      this.entries.set(value, e);
    }
    e.add(principalHash);
  }
  principals(value: number): number {
    return this.entries.get(value)?.estimate ?? 0;
  }
}

describe('CommonnessIndex', () => {
  it('gives the estimates of one HllCounter per value, through growth, pruning and clearing', () => {
    for (const maxTracked of [8, 50, 100_000]) {
      const index = new CommonnessIndex(maxTracked);
      const reference = new ReferenceIndex(maxTracked);
      let seed = 12345;
      const next = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed;
      };
      for (let i = 0; i < 30_000; i++) {
        // A few popular values used by many principals, and a long tail of one-principal values.
        const value = i % 3 === 0 ? 1 + (next() % 5) : 100 + (next() % 400);
        const principal = hashString(`p-${next() % 2000}`);
        index.add(value, principal);
        reference.add(value, principal);
        const probe = 1 + (next() % 500);
        assert.equal(index.principals(probe), reference.principals(probe), `value ${probe} after ${i + 1} adds`);
        assert.equal(index.principals(value), reference.principals(value));
      }
      assert.equal(index.size, reference.entries.size);
      assert.deepEqual(
        [...index.entries()].map(([v, est, regs]) => [v, est, [...regs]]),
        [...reference.entries].map(([v, c]) => [v, c.estimate, [...c.regs]]),
      );
    }
  });

  it('restores entries (snapshot) with the estimates their registers give', () => {
    const index = new CommonnessIndex(1000);
    for (let i = 0; i < 5000; i++) index.add(1 + (i % 40), hashString(`user-${i % 300}`));
    const copy = new CommonnessIndex(1000);
    for (const [value, , regs] of index.entries()) copy.restoreEntry(value, regs.slice());
    assert.deepEqual([...copy.entries()], [...index.entries()]);
    for (let v = 0; v < 45; v++) assert.equal(copy.principals(v), index.principals(v));
  });
});
