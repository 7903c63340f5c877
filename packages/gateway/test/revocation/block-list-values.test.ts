import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlOrder } from '@tokenwarden/core';
import { BlockList } from '../../src/block-list.js';
import { IpSet } from '../../src/ip-set.js';

const order = (value: string): ControlOrder => ({
  id: `ord_${value}`,
  time: new Date().toISOString(),
  action: 'block',
  target: { kind: 'ip', value },
  reason: 'test',
  actor: 'test',
});

// Block orders carry an IP or CIDR as text; a malformed one must be ignored, never read loosely
// (`1.2.3.4/` used to become a /0 and block every client).
describe('gateway block list: IP values are parsed strictly', () => {
  it('ignores malformed IPs and CIDRs and blocks nobody because of them', () => {
    const blocks = new BlockList();
    for (const v of ['999.1.1.1', '256.256.256.256', '1.2.3.4/99', '1.2.3', '1.2.3.4/', '1.2.3.4/8/9', '1.2.3.4/ 8', '::1/129']) {
      assert.equal(blocks.apply(order(v)), false, v);
    }
    for (const ip of ['1.2.3.4', '9.9.9.9', '127.0.0.1']) assert.equal(blocks.isIpBlocked(ip), false, ip);
  });

  it('applies valid addresses and ranges', () => {
    const blocks = new BlockList();
    assert.equal(blocks.apply(order('203.0.113.0/24')), true);
    assert.equal(blocks.apply(order('198.51.100.7')), true);
    assert.equal(blocks.isIpBlocked('203.0.113.77'), true);
    assert.equal(blocks.isIpBlocked('198.51.100.7'), true);
    assert.equal(blocks.isIpBlocked('198.51.100.8'), false);
  });

  it('IpSet refuses the same values with a TypeError naming the entry', () => {
    assert.throws(() => IpSet.from(['1.2.3.4/']), /1\.2\.3\.4\//);
    assert.throws(() => IpSet.from(['10.0.0.0/8/8']), /10\.0\.0\.0\/8\/8/);
    assert.equal(IpSet.from(['10.0.0.0/8']).has('10.9.9.9'), true);
  });
});
