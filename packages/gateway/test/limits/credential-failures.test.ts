import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateTwToken } from '@tokenwarden/core';
import { CredentialFailureThrottle } from '../../src/credential-failure-throttle.js';
import { parseGatewayConfig } from '../../src/gateway-config.js';
import { IpSet } from '../../src/ip-set.js';
import { guardHarness, statusOf } from '../support/guard-harness.js';

describe('CredentialFailureThrottle', () => {
  it('counts failures per address (IPv6 by /64) in a window, and never counts exempt addresses', () => {
    const t = new CredentialFailureThrottle({ window_seconds: 60, block_after: 3 }, IpSet.from(['127.0.0.0/8', '10.0.0.0/8']));
    const now = 1_000_000;
    for (let i = 0; i < 2; i++) t.record('203.0.113.7', now);
    assert.equal(t.retryAfterSeconds('203.0.113.7', now), 0);
    t.record('203.0.113.7', now + 1_000);
    assert.equal(t.retryAfterSeconds('203.0.113.7', now + 1_000), 59);
    assert.equal(t.retryAfterSeconds('203.0.113.8', now), 0);
    assert.equal(t.retryAfterSeconds('203.0.113.7', now + 60_000), 0, 'the window ended');
    for (let i = 0; i < 3; i++) t.record(`2001:db8:5:6::${i + 1}`, now);
    assert.ok(t.retryAfterSeconds('2001:db8:5:6:ffff::1', now) > 0);
    for (let i = 0; i < 10; i++) t.record('10.1.2.3', now);
    assert.equal(t.retryAfterSeconds('10.1.2.3', now), 0);
  });
});

describe('gateway: many failed credentials from one address', () => {
  it('refuses the address’s unverified credentials with 429 and no lookup, keeps its known-good ones, and lets other addresses be', async () => {
    const h = await guardHarness({
      routes: [{ path: '/**', scopes: ['echo.read'] }],
      auth_failures: { window_seconds: 60, block_after: 5 },
    });
    const from = { peer: '203.0.113.7', encrypted: true };
    const good = h.source.createKey({ scopes: ['echo.read'] });
    assert.equal(statusOf(await h.check('/x', { authorization: `Bearer ${good.raw}` }, from)), 200);
    for (let i = 0; i < 5; i++)
      assert.equal(statusOf(await h.check('/x', { authorization: `Bearer ${generateTwToken('k')}` }, from)), 401, `guess ${i}`);
    const lookups = h.source.calls.findKey;
    const blocked = await h.check('/x', { authorization: `Bearer ${generateTwToken('k')}` }, from);
    assert.equal(statusOf(blocked), 429);
    assert.ok(!blocked.allow && Number(blocked.refusal.headers['retry-after']) > 0);
    assert.equal(h.source.calls.findKey, lookups, 'no store lookup once over the budget');
    assert.equal(statusOf(await h.check('/x', { authorization: `Bearer ${good.raw}` }, from)), 200, 'a key verified before still works');
    const fresh = h.source.createKey({ scopes: ['echo.read'] });
    assert.equal(statusOf(await h.check('/x', { authorization: `Bearer ${fresh.raw}` }, { peer: '198.51.100.1', encrypted: true })), 200);
    for (let i = 0; i < 20; i++) await h.check('/x', { authorization: `Bearer ${generateTwToken('k')}` });
    assert.equal(statusOf(await h.check('/x', { authorization: `Bearer ${fresh.raw}` })), 200, 'loopback is never counted');
    await h.guard.close();
  });

  it('is on by default, can be turned off, and names a bad exempt entry', () => {
    assert.deepEqual(parseGatewayConfig({}).auth_failures, { window_seconds: 60, block_after: 50, exempt: ['127.0.0.0/8', '::1/128'] });
    assert.equal(parseGatewayConfig({ auth_failures: false }).auth_failures, false);
    assert.throws(() => parseGatewayConfig({ auth_failures: { exempt: ['not-an-address'] } }), /auth_failures\.exempt\.0/);
  });
});
