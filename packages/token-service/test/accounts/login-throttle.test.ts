import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from '../../src/accounts/login-throttle.js';

const MINUTE = 60_000;

// A throttle on a clock the test moves.
function throttled(options: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  const clock = { t: 1_000_000 };
  return { clock, throttle: new LoginThrottle({ ...options, now: () => clock.t }) };
}

describe('LoginThrottle', () => {
  it('makes one login from one address wait out the window after five failures, then lets it try again', () => {
    const { clock, throttle } = throttled();
    for (let i = 0; i < 4; i++) throttle.failed('alice', '203.0.113.7');
    assert.equal(throttle.retryAfterMs('alice', '203.0.113.7'), 0);
    throttle.failed('alice', '203.0.113.7');
    assert.equal(throttle.retryAfterMs('alice', '203.0.113.7'), 15 * MINUTE);
    assert.equal(throttle.retryAfterMs('ALICE', '203.0.113.7'), 15 * MINUTE, 'case variants are one login');
    assert.equal(throttle.retryAfterMs('alice', '198.51.100.1'), 0, 'the user from elsewhere is not locked out');
    assert.equal(throttle.retryAfterMs('bob', '203.0.113.7'), 0);
    clock.t += 10 * MINUTE;
    assert.equal(throttle.retryAfterMs('alice', '203.0.113.7'), 5 * MINUTE);
    clock.t += 5 * MINUTE;
    assert.equal(throttle.retryAfterMs('alice', '203.0.113.7'), 0);
  });

  it('stops a guess spread over many addresses at the per-login limit', () => {
    const { throttle } = throttled();
    for (let i = 0; i < 20; i++) throttle.failed('alice', `198.51.100.${i}`);
    assert.ok(throttle.retryAfterMs('alice', '192.0.2.200') > 0);
    assert.equal(throttle.retryAfterMs('bob', '198.51.100.1'), 0);
  });

  it('stops password spraying from one public address, but not from the private address a proxy connects from', () => {
    const { throttle } = throttled();
    for (let i = 0; i < 50; i++) throttle.failed(`user${i}`, '203.0.113.9');
    assert.ok(throttle.retryAfterMs('someone-else', '203.0.113.9') > 0);
    for (let i = 0; i < 50; i++) throttle.failed(`user${i}`, '10.0.0.2');
    assert.equal(throttle.retryAfterMs('someone-else', '10.0.0.2'), 0);
    for (let i = 0; i < 50; i++) throttle.failed(`user${i}`, '::1');
    assert.equal(throttle.retryAfterMs('someone-else', '::1'), 0);
  });

  it('counts the addresses of one IPv6 /64 together', () => {
    const { throttle } = throttled();
    for (let i = 0; i < 5; i++) throttle.failed('alice', `2001:db8:1:2::${i + 1}`);
    assert.ok(throttle.retryAfterMs('alice', '2001:db8:1:2:ffff::9') > 0);
    assert.equal(throttle.retryAfterMs('alice', '2001:db8:1:3::1'), 0);
  });

  it('clears a pair on success, but not the per-login count', () => {
    const { throttle } = throttled({ perLogin: 10 });
    for (let i = 0; i < 4; i++) throttle.failed('alice', '203.0.113.7');
    throttle.succeeded('alice', '203.0.113.7');
    for (let i = 0; i < 4; i++) throttle.failed('alice', '203.0.113.7');
    assert.equal(throttle.retryAfterMs('alice', '203.0.113.7'), 0, 'the pair restarted from zero');
    throttle.failed('alice', '192.0.2.1');
    throttle.failed('alice', '192.0.2.1');
    assert.ok(throttle.retryAfterMs('alice', '198.51.100.1') > 0, 'ten failures of alice in the window');
  });

  it('keeps at most maxTracked counters', () => {
    const { throttle } = throttled({ maxTracked: 30 });
    for (let i = 0; i < 1_000; i++) throttle.failed(`u${i}`, `198.51.100.${i % 250}`);
    assert.ok((throttle as unknown as { windows: Map<string, unknown> }).windows.size <= 30);
  });
});
