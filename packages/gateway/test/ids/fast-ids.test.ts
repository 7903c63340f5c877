import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ulidTime } from '@tokenwarden/core';
import { fastId, isoTime } from '../../src/fast-ids.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('fastId', () => {
  it('makes prefixed ULIDs whose time part is the given millisecond', () => {
    const now = Date.UTC(2026, 10, 29, 22, 0, 0, 123);
    const id = fastId('req', now);
    assert.match(id, /^req_/);
    assert.match(id.slice(4), ULID);
    assert.equal(ulidTime(id), now);
  });

  it('is unique and increasing within one millisecond, and unique across milliseconds', () => {
    const now = Date.now();
    const ids = Array.from({ length: 20_000 }, () => fastId('acc', now));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids, 'monotonic within the millisecond');
    const later = Array.from({ length: 1_000 }, (_, i) => fastId('acc', now + 1 + (i % 3)));
    assert.equal(new Set([...ids, ...later]).size, ids.length + later.length);
  });

  it('draws a fresh random head each millisecond (two processes do not share a sequence)', () => {
    const a = fastId('x', 1_000_000);
    const b = fastId('x', 1_000_001);
    assert.notEqual(a.slice(12, 23), b.slice(12, 23));
  });
});

describe('isoTime', () => {
  it('equals toISOString of the same millisecond', () => {
    for (const t of [0, 1_700_000_000_123, Date.now()]) assert.equal(isoTime(t), new Date(t).toISOString());
    assert.equal(isoTime(5), isoTime(5));
    // Across second, minute, day and year boundaries, in and out of order, with odd inputs.
    const edges = [999, 1_000, 1_001, Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), 59_999, 60_000, 1.5, -1, -1_001];
    let t = 1_764_000_000_000;
    const walk = Array.from({ length: 5_000 }, () => (t += 1 + ((t * 7) % 401)));
    for (const x of [...edges, ...walk, ...edges]) assert.equal(isoTime(x), new Date(x).toISOString(), String(x));
  });
});
