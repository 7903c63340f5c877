import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureWindows } from '../../src/limits/failure-windows.js';

describe('FailureWindows', () => {
  it('makes a key wait out its window once it holds the limit, then starts a new one', () => {
    const w = new FailureWindows(60_000);
    const t = 1_000_000;
    w.count('k', t);
    w.count('k', t + 1_000);
    assert.equal(w.waitMs('k', 3, t + 1_000), 0);
    w.count('k', t + 2_000);
    assert.equal(w.waitMs('k', 3, t + 2_000), 58_000, 'the window runs from the first failure');
    assert.equal(w.waitMs('other', 1, t), 0);
    assert.equal(w.waitMs('k', 3, t + 60_000), 0, 'the window ended');
    w.count('k', t + 61_000);
    assert.equal(w.waitMs('k', 2, t + 61_000), 0, 'a failure after the window starts a new one at one');
    w.clear('k');
    assert.equal(w.size, 0);
  });

  it('keeps at most maxKeys windows, dropping those started longest ago', () => {
    const w = new FailureWindows(60_000, 3);
    for (let i = 0; i < 5; i++) w.count(`k${i}`, i);
    assert.equal(w.size, 3);
    assert.equal(w.waitMs('k4', 1, 5), 59_999);
    assert.equal(w.waitMs('k0', 1, 5), 0, 'the oldest was dropped');
  });
});
