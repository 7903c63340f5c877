import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperationClassifier } from '../../../src/engine/classify/operation-classifier.js';
import { OrgStats } from '../../../src/engine/profile/org-stats.js';
import { hashString } from '../../../src/engine/sketches/hash.js';
import {
  hourHistogramAdd,
  hourHistogramTotal,
  hourOfDayShare,
  hourOfWeekShare,
  nearHourOfDay,
  nearHourOfWeek,
} from '../../../src/engine/sketches/hour-histogram.js';
import { HllCounter, hllAdd, hllEstimate } from '../../../src/engine/sketches/hyperloglog.js';

/** The original definitions (every bucket, circular distance): the fast versions must match them exactly. */
function referenceDayShare(h: Uint8Array, bucket: number, spread: number): number {
  const hourOfDay = bucket % 24;
  let total = 0;
  let near = 0;
  for (let i = 0; i < 168; i++) {
    total += h[i]!;
    const d = Math.abs((i % 24) - hourOfDay);
    if (Math.min(d, 24 - d) <= spread) near += h[i]!;
  }
  return total === 0 ? 0 : near / total;
}

function referenceWeekShare(h: Uint8Array, bucket: number, spread: number): number {
  let total = 0;
  let near = 0;
  for (let i = 0; i < 168; i++) {
    total += h[i]!;
    const d = Math.abs(i - bucket);
    if (Math.min(d, 168 - d) <= spread) near += h[i]!;
  }
  return total === 0 ? 0 : near / total;
}

function randomHistogram(seed: number): Uint8Array {
  let x = seed;
  const h = new Uint8Array(168);
  for (let i = 0; i < 168; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // Mostly empty buckets with a few busy ones, like a real working-hours profile.
    h[i] = x % 5 === 0 ? (x >>> 8) % 256 : 0;
  }
  return h;
}

describe('hot-path sketch shortcuts', () => {
  it('hour-of-day and hour-of-week shares equal the full-scan definitions for every bucket and spread', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const h = randomHistogram(seed);
      for (let bucket = 0; bucket < 168; bucket++) {
        for (const spread of [0, 1, 2, 5, 11, 12, 30]) {
          assert.equal(
            hourOfDayShare(h, 0, bucket, spread),
            referenceDayShare(h, bucket, spread),
            `day seed ${seed} b ${bucket} s ${spread}`,
          );
        }
        for (const spread of [0, 1, 2, 3, 83, 84, 200]) {
          assert.equal(
            hourOfWeekShare(h, 0, bucket, spread),
            referenceWeekShare(h, bucket, spread),
            `week seed ${seed} b ${bucket} s ${spread}`,
          );
        }
      }
    }
    assert.equal(hourOfDayShare(new Uint8Array(168), 0, 5, 1), 0);
  });

  it('hourHistogramTotal (word-wise) equals the byte sum, full buckets included, at any 4-aligned offset', () => {
    const buffer = new ArrayBuffer(4 * 200);
    const bytes = new Uint8Array(buffer);
    const words = new Uint32Array(buffer);
    for (let seed = 1; seed <= 20; seed++) {
      const h = randomHistogram(seed);
      if (seed === 20) h.fill(255);
      const at = 4 * seed;
      bytes.fill(7);
      bytes.set(h, at);
      let sum = 0;
      for (let i = 0; i < 168; i++) sum += h[i]!;
      assert.equal(hourHistogramTotal(words, at >> 2), sum, `seed ${seed}`);
      for (let bucket = 0; bucket < 168; bucket += 7) {
        assert.equal(nearHourOfDay(h, 0, bucket % 24, 1) > 0, hourOfDayShare(h, 0, bucket, 1) > 0);
      }
    }
  });

  it('nearHourOfWeek wraps around the week (Sunday 23:00 is next to Monday 00:00)', () => {
    const h = new Uint8Array(168);
    h[167] = 3;
    h[0] = 4;
    h[1] = 5;
    assert.equal(nearHourOfWeek(h, 0, 0, 1), 12);
    assert.equal(nearHourOfWeek(h, 0, 166, 1), 3);
  });

  it('HllCounter keeps exactly the estimate a full recount gives, add after add', () => {
    for (const registers of [64, 128, 1024]) {
      const counter = new HllCounter(new Uint8Array(registers));
      const plain = new Uint8Array(registers);
      for (let i = 0; i < 20_000; i++) {
        const h = hashString(`principal-${i % 7919}-${registers}`);
        assert.equal(counter.add(h), hllAdd(plain, 0, registers, h));
        if (i % 97 === 0 || i < 200) assert.equal(counter.estimate, hllEstimate(plain, 0, registers), `after ${i + 1} adds`);
      }
      assert.deepEqual(counter.regs, plain);
      assert.equal(counter.estimate, hllEstimate(plain, 0, registers));
      // Wrapping registers restored from a snapshot starts from their estimate.
      assert.equal(new HllCounter(plain.slice()).estimate, hllEstimate(plain, 0, registers));
    }
  });

  it('org stats keep principal counts, commonness and the hour total current (through saturation halving and recount)', () => {
    const org = new OrgStats({ commonMinPrincipals: 5, commonShare: 0.05, maxTracked: 1000 });
    const regs = new Uint8Array(128); // the per-value sketch size
    for (let p = 0; p < 40; p++) {
      org.addPrincipal(hashString(`user-${p}`));
      org.asns.add(64500, hashString(`user-${p}`));
      hllAdd(regs, 0, 128, hashString(`user-${p}`));
    }
    assert.ok(Math.abs(org.totalPrincipals - 40) <= 3, `total ${org.totalPrincipals}`);
    assert.equal(org.totalPrincipals, hllEstimate(org.principalRegs, 0, org.principalRegs.length));
    assert.equal(org.asns.principals(64500), hllEstimate(regs, 0, 128));
    assert.equal(org.isCommon(org.asns, 64500), true);
    for (let i = 0; i < 600; i++) org.addHour(i % 3 === 0 ? 10 : 11); // bucket 11 saturates and halves
    let sum = 0;
    for (let i = 0; i < 168; i++) sum += org.hours[i]!;
    assert.equal(org.hoursTotal, sum);
    const expected = (org.hours[9]! + org.hours[10]! + org.hours[11]!) / sum;
    assert.equal(org.hourShare(10), expected);
    org.hoursTotal = -1;
    org.recount();
    assert.equal(org.hoursTotal, sum);
    const copy = new Uint8Array(168);
    for (let i = 0; i < 600; i++) hourHistogramAdd(copy, 0, i % 3 === 0 ? 10 : 11);
    assert.deepEqual(org.hours, copy);
  });

  it('the classifier caches whole HTTP operation strings with their path shape and name hash', () => {
    const c = new OperationClassifier();
    const first = c.classify({ operation: 'GET /v1/orders/1042' });
    const shape = { ...c.shape };
    const opHash = c.opHash;
    assert.equal(opHash, hashString(first.name));
    c.classify({ operation: 'sts:GetCallerIdentity' });
    assert.equal(c.opHash, hashString('sts:GetCallerIdentity'));
    assert.equal(c.shape.numericId, -1);
    const again = c.classify({ operation: 'GET /v1/orders/1042' });
    assert.equal(again, first);
    assert.deepEqual(c.shape, shape);
    assert.equal(shape.numericId, 1042);
    assert.equal(c.opHash, opHash);
    c.classify({});
    assert.equal(c.opHash, 0);
    // A tiny cache is cleared when full and still answers correctly.
    const small = new OperationClassifier(2);
    for (let i = 0; i < 10; i++) {
      small.classify({ operation: `GET /v1/items/${i}` });
      assert.equal(small.shape.numericId, i);
    }
  });
});
