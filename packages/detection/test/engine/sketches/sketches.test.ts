import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bloomAdd, bloomHas } from '../../../src/engine/sketches/bloom.js';
import { distanceKm } from '../../../src/engine/sketches/geo-distance.js';
import { hashString } from '../../../src/engine/sketches/hash.js';
import { hourHistogramAdd, hourOfDayShare, hourOfWeek } from '../../../src/engine/sketches/hour-histogram.js';
import { hllAdd, hllEstimate } from '../../../src/engine/sketches/hyperloglog.js';
import {
  TOP_K_SATURATION,
  topKAdd,
  topKCount,
  topKEntries,
  topKHalve,
  topKSize,
  topKSlots,
  topKTotal,
} from '../../../src/engine/sketches/top-k.js';

describe('sketches', () => {
  it('HyperLogLog estimates distinct counts within its error', () => {
    const regs = new Uint8Array(64);
    for (let i = 0; i < 5; i++) hllAdd(regs, 0, 64, hashString(`10.0.0.${i}`));
    assert.equal(hllEstimate(regs, 0, 64), 5);
    const big = new Uint8Array(1024);
    for (let i = 0; i < 100_000; i++) hllAdd(big, 0, 1024, hashString(`ip-${i}`));
    const est = hllEstimate(big, 0, 1024);
    assert.ok(Math.abs(est - 100_000) / 100_000 < 0.08, `estimate ${est}`);
  });

  it('top-k counts packed two to a slot behave like plain per-key counters (reference model), saturation included', () => {
    for (const k of [3, 4, 8]) {
      const u = new Uint32Array(topKSlots(k) + 2);
      u[topKSlots(k)] = 0xdeadbeef; // a neighbour that must stay untouched
      const keys: number[] = new Array(k).fill(0);
      const counts: number[] = new Array(k).fill(0);
      let s = 99;
      let heavyAdds = 0;
      for (let n = 0; n < 200_000; n++) {
        s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
        // A few heavy keys (they saturate and halve) and a churning tail.
        const r = s >>> 8;
        const key = r % 10 < 6 ? 1 : r % 10 < 8 ? 2 : 100 + (r % 5000);
        if (key === 1) heavyAdds++;
        // Reference: the same space-saving rules on plain arrays.
        let at = keys.indexOf(key);
        let expected: number;
        if (at >= 0) {
          expected = counts[at]!;
          if (expected >= TOP_K_SATURATION) {
            for (let i = 0; i < k; i++) {
              counts[i] = counts[i]! >>> 1;
              if (counts[i] === 0) keys[i] = 0;
            }
          }
          counts[at] = counts[at]! + 1;
        } else {
          let min = 0xffffffff;
          at = -1;
          for (let i = 0; i < k; i++) {
            const c = keys[i] === 0 ? 0 : counts[i]!;
            if (c < min) {
              min = c;
              at = i;
            }
          }
          keys[at] = key;
          counts[at] = 1 + (min >>> 1);
          expected = 0;
        }
        assert.equal(topKAdd(u, 0, k, key), expected);
      }
      for (let i = 0; i < k; i++) if (keys[i] !== 0) assert.equal(topKCount(u, 0, k, keys[i]!), counts[i]);
      assert.equal(
        topKTotal(u, 0, k),
        counts.reduce((a, b) => a + b, 0),
      );
      assert.ok(topKEntries(u, 0, k).every((e) => e.count <= TOP_K_SATURATION));
      assert.equal(u[topKSlots(k)], 0xdeadbeef);
      assert.ok(heavyAdds > TOP_K_SATURATION && topKCount(u, 0, k, 1) < heavyAdds, 'the heavy key saturated and halved');
    }
  });

  it('top-k keeps frequent keys, lets rare newcomers churn, and halves counts', () => {
    const u = new Uint32Array(8);
    const a = hashString('a');
    for (let i = 0; i < 50; i++) topKAdd(u, 0, 4, a);
    for (let i = 0; i < 40; i++) topKAdd(u, 0, 4, hashString(`rare-${i}`));
    assert.equal(topKCount(u, 0, 4, a), 50);
    assert.equal(topKSize(u, 0, 4), 4);
    topKHalve(u, 0, 4);
    assert.equal(topKCount(u, 0, 4, a), 25);
  });

  it('hour-of-week buckets start on Monday 00:00 UTC and recurring hours are habit', () => {
    assert.equal(hourOfWeek(Date.UTC(2026, 0, 5, 0)), 0);
    assert.equal(hourOfWeek(Date.UTC(2026, 0, 11, 23)), 167);
    const h = new Uint8Array(168);
    for (let d = 0; d < 5; d++) for (let i = 0; i < 10; i++) hourHistogramAdd(h, 0, d * 24 + 10);
    hourHistogramAdd(h, 0, 2 * 24 + 2); // one night on Wednesday
    assert.ok(hourOfDayShare(h, 0, 3 * 24 + 2, 1) > 0, 'a night hour seen on another weekday counts');
    assert.equal(hourOfDayShare(h, 0, 20, 1), 0);
  });

  it('bloom filter has no false negatives', () => {
    const b = new Uint8Array(64);
    for (let i = 0; i < 60; i++) bloomAdd(b, 0, 64, hashString(`op-${i}`));
    for (let i = 0; i < 60; i++) assert.ok(bloomHas(b, 0, 64, hashString(`op-${i}`)));
    let fp = 0;
    for (let i = 0; i < 1000; i++) if (bloomHas(b, 0, 64, hashString(`other-${i}`))) fp++;
    assert.ok(fp < 100, `false positives ${fp}`);
  });

  it('distance is the great-circle distance', () => {
    const d = distanceKm(51.5, -0.12, 40.71, -74.0);
    assert.ok(d > 5500 && d < 5620, `London-New York ${d}`);
  });
});
