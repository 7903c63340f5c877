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
  });
});
