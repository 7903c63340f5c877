import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientInfo, DirectClients } from '../../src/client-info.js';
import { IpSet } from '../../src/ip-set.js';

const proxies = IpSet.from(['10.0.0.0/8']);

describe('clientInfo', () => {
  it('ignores X-Forwarded-For and -Proto from an untrusted peer', () => {
    const c = clientInfo({ peer: '203.0.113.5', encrypted: false, xff: '1.1.1.1', xfp: 'https' }, proxies);
    assert.equal(c.ip, '203.0.113.5');
    assert.equal(c.secure, false);
  });

  it('walks the chain from the right past trusted proxies only', () => {
    const c = clientInfo({ peer: '10.0.0.2', encrypted: false, xff: '6.6.6.6, 198.51.100.7, 10.0.0.9', xfp: 'https' }, proxies);
    assert.equal(c.ip, '198.51.100.7');
    assert.equal(c.secure, true);
    assert.equal(c.loopback, false);
  });

  it('treats loopback peers as loopback and unmaps IPv4-mapped addresses', () => {
    const c = clientInfo({ peer: '::ffff:127.0.0.1', encrypted: false, xff: undefined, xfp: undefined }, proxies);
    assert.equal(c.ip, '127.0.0.1');
    assert.equal(c.loopback, true);
  });

  it('IpSet matches IPv4 and IPv6 ranges', () => {
    const s = IpSet.from(['192.0.2.0/24', '2001:db8::/32']);
    assert.ok(s.has('192.0.2.200'));
    assert.ok(s.has('2001:db8::1'));
    assert.ok(!s.has('192.0.3.1'));
    assert.throws(() => IpSet.from(['nope']));
  });
});

describe('DirectClients', () => {
  it('answers what clientInfo answers without trusted proxies, one frozen object per peer and transport', () => {
    const direct = new DirectClients();
    const none = IpSet.from([]);
    for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '::ffff:203.0.113.5', '203.0.113.5', '2001:db8::1', '', undefined]) {
      for (const encrypted of [false, true]) {
        const c = direct.of(peer, encrypted);
        assert.deepEqual(c, clientInfo({ peer, encrypted, xff: undefined, xfp: undefined }, none), `${peer} ${encrypted}`);
        assert.equal(direct.of(peer, encrypted), c);
        assert.ok(Object.isFrozen(c));
      }
      assert.notEqual(direct.of(peer, true), direct.of(peer, false));
    }
  });
});
