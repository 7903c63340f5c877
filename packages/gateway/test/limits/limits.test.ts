import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockList } from '../../src/block-list.js';
import { CidrIpInfo, locationRefusal } from '../../src/location-policy.js';
import { ProbingThrottle } from '../../src/probing-throttle.js';
import { RateLimiter } from '../../src/rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate', () => {
    const l = new RateLimiter({ perSecond: 10, burst: 3 });
    const t = 1_000_000;
    assert.ok(l.take('k', t).ok && l.take('k', t).ok && l.take('k', t).ok);
    const denied = l.take('k', t);
    assert.equal(denied.ok, false);
    assert.ok(l.take('k', t + 100).ok);
    assert.ok(l.take('other', t).ok);
  });
});

describe('ProbingThrottle', () => {
  it('slows down, then blocks, many distinct 404 paths', () => {
    const p = new ProbingThrottle({ window_seconds: 60, slow_after: 3, block_after: 6, block_seconds: 60, delay_ms: 100 });
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) p.recordNotFound('k', `/p${i}`, t);
    assert.deepEqual(p.state('k', t), { action: 'pass' });
    p.recordNotFound('k', '/p0', t);
    assert.deepEqual(p.state('k', t), { action: 'pass' }, 'the same path twice is one path');
    p.recordNotFound('k', '/p3', t);
    assert.deepEqual(p.state('k', t), { action: 'delay', ms: 100 });
    for (let i = 4; i < 7; i++) p.recordNotFound('k', `/p${i}`, t);
    assert.deepEqual(p.state('k', t), { action: 'block' });
    assert.deepEqual(p.state('k', t + 61_000), { action: 'pass' });
  });

  it('blocks a prober that waits out every delay, with the default settings (the delays must not pace it out of the window)', () => {
    const p = new ProbingThrottle({ window_seconds: 60, slow_after: 20, block_after: 50, block_seconds: 600, delay_ms: 250 });
    let now = 1_000_000;
    let sent = 0;
    let delayed = 0;
    while (sent < 200) {
      const s = p.state('k', now);
      if (s.action === 'block') break;
      if (s.action === 'delay') {
        delayed++;
        now += s.ms;
      }
      p.recordNotFound('k', `/guess-${sent++}`, now);
      now += 5; // the round trip
    }
    assert.ok(delayed > 0, 'slowed down first');
    assert.ok(sent <= 51, `blocked after ${sent} distinct 404 paths`);
    assert.deepEqual(p.state('k', now), { action: 'block' });
  });
});

describe('BlockList', () => {
  const order = (target: Parameters<BlockList['apply']>[0]['target'], action: 'block' | 'unblock' = 'block', expires_at?: string) => ({
    id: 'o',
    time: new Date().toISOString(),
    action,
    target,
    reason: 'test',
    actor: 'test',
    ...(expires_at ? { expires_at } : {}),
  });

  it('blocks and unblocks credentials, IPs, CIDRs and ASNs', () => {
    const b = new BlockList();
    b.apply(order({ kind: 'credential', id: 'key_1' }));
    b.apply(order({ kind: 'ip', value: '198.51.100.0/24' }));
    b.apply(order({ kind: 'asn', value: 64500 }));
    assert.ok(b.isCredentialBlocked('key_1'));
    assert.ok(b.isIpBlocked('198.51.100.9'));
    assert.ok(!b.isIpBlocked('198.51.101.9'));
    assert.ok(b.isAsnBlocked(64500));
    b.apply(order({ kind: 'ip', value: '198.51.100.0/24' }, 'unblock'));
    assert.ok(!b.isIpBlocked('198.51.100.9'));
    assert.equal(b.apply(order({ kind: 'ip', value: 'garbage' })), false);
    b.apply(order({ kind: 'credential', id: 'key_2' }, 'block', new Date(Date.now() - 1).toISOString()));
    assert.ok(!b.isCredentialBlocked('key_2'), 'expired blocks lift themselves');
  });
});

describe('location policy', () => {
  const info = new CidrIpInfo([
    { cidr: '203.0.113.0/25', country: 'DE', asn: 64500 },
    { cidr: '203.0.113.128/25', country: 'KP', asn: 64501, tor: true, hosting: true },
  ]);

  it('deny wins, allow lists admit only what they name', () => {
    assert.equal(locationRefusal({ deny_countries: ['KP'] }, info.lookup('203.0.113.200')), 'country KP denied');
    assert.equal(locationRefusal({ deny_tor: true }, info.lookup('203.0.113.200')), 'tor exit denied');
    assert.equal(locationRefusal({ deny_hosting: true }, info.lookup('203.0.113.200')), 'hosting provider denied');
    assert.equal(locationRefusal({ allow_countries: ['DE'] }, info.lookup('203.0.113.1')), undefined);
    assert.equal(locationRefusal({ allow_countries: ['DE'] }, info.lookup('203.0.113.200')), 'country KP not allowed');
    assert.equal(locationRefusal({ deny_asns: [64500] }, info.lookup('203.0.113.1')), 'asn 64500 denied');
    assert.equal(locationRefusal({ allow_countries: ['DE'], unknown: 'deny' }, info.lookup('192.0.2.1')), 'country unknown');
    assert.equal(locationRefusal({ allow_countries: ['DE'] }, info.lookup('192.0.2.1')), undefined);
  });
});
