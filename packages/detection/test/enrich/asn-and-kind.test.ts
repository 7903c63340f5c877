import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4ToInt, ipv6High64 } from '@tokenwarden/core';
import { createAsnClassifier } from '../../src/enrich/asn-kind.js';
import { loadAsnCsv, parseAsnCsv } from '../../src/enrich/asn-table.js';
import { fixture } from '../fixtures/paths.js';

describe('ASN table', () => {
  it('finds ranges by binary search, v4 and v6, and skips malformed rows', () => {
    const table = loadAsnCsv(fixture('asn-small.csv'));
    assert.deepEqual(table.lookupV4('1.0.0.7'), { asn: 13335, org: 'Cloudflare, Inc.' });
    assert.deepEqual(table.lookupV4('8.8.8.8'), { asn: 15169, org: 'Google LLC' });
    assert.equal(table.lookupV4('8.8.9.1'), undefined);
    assert.equal(table.lookupV4('0.0.0.1'), undefined);
    assert.deepEqual(table.lookupV6('2001:4860:4860::8888'), { asn: 15169, org: 'Google LLC' });
    assert.equal(table.lookupV6('2a00::1'), undefined);
    assert.deepEqual(table.size(), { v4: 4, v6: 1 });
  });

  it('reads the integer layout and unsorted rows', () => {
    const t = parseAsnCsv('134744064,134744319,15169,Google LLC\n16777216,16777471,13335,"Cloudflare, ""Inc."""\n');
    assert.deepEqual(t.lookupV4('1.0.0.1'), { asn: 13335, org: 'Cloudflare, "Inc."' });
    assert.equal(t.lookupV4('8.8.8.8')?.asn, 15169);
  });

  it('parses addresses strictly', () => {
    assert.equal(ipv4ToInt('255.255.255.255'), 0xffffffff);
    assert.equal(ipv4ToInt('256.1.1.1'), -1);
    assert.equal(ipv4ToInt('1.2.3'), -1);
    assert.equal(ipv6High64('::ffff:1.2.3.4'), 0n);
    assert.equal(ipv6High64('2001:db8::1'), 0x20010db800000000n);
    assert.equal(ipv6High64('1:2:3'), undefined);
  });
});

describe('ASN kind', () => {
  const kinds = createAsnClassifier();
  it('knows the big clouds, relays, satellite and carriers by number', () => {
    assert.equal(kinds.classify(16509, 'Amazon.com, Inc.'), 'hosting');
    assert.equal(kinds.classify(396982, 'Google LLC'), 'hosting');
    assert.equal(kinds.classify(14061, 'DigitalOcean, LLC'), 'hosting');
    assert.equal(kinds.classify(14593, 'SPACEX-STARLINK'), 'satellite');
    assert.equal(kinds.classify(9009, 'M247 Europe SRL'), 'vpn');
    assert.equal(kinds.classify(21928, 'T-Mobile USA, Inc.'), 'mobile');
    assert.equal(kinds.classify(7922, 'Comcast Cable Communications, LLC'), 'residential');
    assert.equal(kinds.classify(60729, 'Stiftung Erneuerbare Freiheit'), 'tor');
  });
  it("does not call a business carrier's office lines hosting: Colt connects offices, most of its traffic is theirs", () => {
    assert.notEqual(kinds.classify(8220, 'COLT Technology Services Group Limited'), 'hosting');
  });
  it('classifies Tor relay operators by name before the generic privacy keywords', () => {
    assert.equal(kinds.classify(64516, 'Example Tor Exit Association'), 'tor');
    assert.equal(kinds.classify(64517, 'Example Privacy Proxy'), 'vpn');
    // Companies' secure web gateways are a kind of their own, named before the generic 'proxy' keyword.
    assert.equal(kinds.classify(22616, 'ZSCALER, INC.'), 'security_proxy');
    assert.equal(kinds.classify(64518, 'Netskope Inc'), 'security_proxy');
    assert.equal(kinds.classify(64519, 'Example Forcepoint Proxy Services'), 'security_proxy');
  });
  it('loads operator lists without the optional tor kind', () => {
    const minimal = createAsnClassifier({
      hosting: [64600],
      vpn: [],
      satellite: [],
      mobile: [],
      residential: [],
      keywords: { vpn: ['vpn'], satellite: [], mobile: [], hosting: [], residential: [] },
    });
    assert.equal(minimal.classify(64600, 'x'), 'hosting');
    assert.equal(minimal.classify(64601, 'Tor Exit Friends'), 'unknown');
    assert.equal(minimal.classify(64602, 'Some VPN'), 'vpn');
  });
  it('falls back to organisation keywords, and to unknown', () => {
    assert.equal(kinds.classify(64512, 'Example Hosting Servers Ltd'), 'hosting');
    assert.equal(kinds.classify(64513, 'Foo Secure VPN Ltd'), 'vpn');
    assert.equal(kinds.classify(64514, 'Example Broadband Co'), 'residential');
    assert.equal(kinds.classify(64515, 'Acme Widgets'), 'unknown');
    assert.equal(kinds.classify(undefined, undefined), 'unknown');
  });
});
