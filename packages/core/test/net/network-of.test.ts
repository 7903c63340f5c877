import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { networkOf } from '../../src/net/network-of.js';

describe('networkOf', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and reduces IPv6 to its /64', () => {
    assert.equal(networkOf('203.0.113.7'), '203.0.113.7');
    assert.equal(networkOf('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(networkOf('2001:0db8:0001:0002:0003:0004:0005:0006'), '2001:db8:1:2::/64');
    assert.equal(networkOf('2001:DB8:1:2::1'), '2001:db8:1:2::/64');
    assert.equal(networkOf('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(networkOf('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });
});
