import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { automaticBlockSkipReason, parseIpBlockValue, unblockableIpReason } from '../../src/net/block-target.js';

describe('IP block values', () => {
  it('accepts addresses and CIDRs with a prefix length in range', () => {
    assert.deepEqual(parseIpBlockValue('203.0.113.9'), { address: '203.0.113.9', family: 4 });
    assert.deepEqual(parseIpBlockValue('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 4 });
    assert.deepEqual(parseIpBlockValue('0.0.0.0/0'), { address: '0.0.0.0', prefix: 0, family: 4 });
    assert.deepEqual(parseIpBlockValue('2001:db8::/128'), { address: '2001:db8::', prefix: 128, family: 6 });
  });

  it('refuses what net.isIP refuses and prefix lengths out of range or not plain digits', () => {
    for (const v of [
      '999.1.1.1',
      '256.256.256.256',
      '1.2.3',
      '01.2.3.4',
      '1.2.3.4/99',
      '1.2.3.4/33',
      '::1/129',
      '1.2.3.4/',
      '1.2.3.4/-1',
      '1.2.3.4/ 8',
      '1.2.3.4/8/9',
      '1.2.3.4/1e1',
      '1.2.3.4/0x8',
      ' 1.2.3.4',
      '',
      'not-an-ip',
    ]) {
      assert.equal(parseIpBlockValue(v), undefined, v);
    }
  });

  it('never allows blocking loopback or unspecified, nor a range overlapping them', () => {
    for (const v of [
      '127.0.0.1',
      '127.255.0.9',
      '127.0.0.0/8',
      '127.1.0.0/16',
      '126.0.0.0/7',
      '0.0.0.0/0',
      '::1',
      '::',
      '::/0',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      assert.ok(unblockableIpReason(v), v);
    }
    assert.match(unblockableIpReason('127.0.0.1') ?? '', /^loopback address/);
    assert.match(unblockableIpReason('0.0.0.0') ?? '', /^unspecified address/);
    assert.match(unblockableIpReason('0.0.0.0/0') ?? '', /^range overlaps/);
    for (const v of ['203.0.113.9', '128.0.0.0/1', '10.0.0.7', '2001:db8::/32', '::2']) assert.equal(unblockableIpReason(v), undefined, v);
  });

  it('leaves internal sources to a person: private, CGNAT, link-local, unique-local', () => {
    for (const v of ['10.0.0.7', '172.16.5.5', '192.168.1.20', '100.64.0.1', '169.254.1.1', 'fd00::5', 'fe80::1', '::ffff:10.0.0.1']) {
      assert.match(automaticBlockSkipReason(v) ?? '', /internal address/, v);
    }
    assert.match(automaticBlockSkipReason('127.0.0.1') ?? '', /loopback/);
    assert.equal(automaticBlockSkipReason('203.0.113.9'), undefined);
    assert.equal(automaticBlockSkipReason('2001:db8::9'), undefined);
  });
});
