import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIpIntel } from '../../src/enrich/ip-intel.js';
import { fixture } from '../fixtures/paths.js';

describe('IpIntel with an operator ASN CSV and Tor list', () => {
  it('uses the given databases and flags Tor exits', () => {
    const intel = createIpIntel({ asnPath: fixture('asn-small.csv'), torExitsPath: fixture('tor-exits.txt') });
    const google = intel.lookup('8.8.8.8');
    assert.equal(google?.asn, 15169);
    assert.equal(google?.asn_kind, 'hosting');
    assert.equal(intel.lookup('185.220.101.2')?.asn_kind, 'tor');
    assert.equal(intel.lookup('185.220.101.1')?.asn_kind, 'tor');
    assert.equal(intel.lookup('8.8.8.8'), google, 'cached');
  });

  it('refuses an unreadable --geoip at once with TW_INPUT_UNREADABLE', () => {
    assert.throws(() => createIpIntel({ geoipPath: '/nonexistent/city.mmdb' }), { code: 'TW_INPUT_UNREADABLE' });
  });

  it('reports a --geoip that is not an mmdb once, and goes on without it', () => {
    const warnings: string[] = [];
    const intel = createIpIntel({
      geoipPath: fixture('asn-small.csv'),
      asnPath: fixture('asn-small.csv'),
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(intel.lookup('8.8.8.8')?.country, undefined);
    assert.equal(intel.lookup('1.0.0.1')?.asn, 13335);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /not a MaxMind DB/);
  });
});

describe('IpIntel with the installed DB-IP Lite and @ip-location-db/asn data', () => {
  const intel = createIpIntel();
  it('locates well-known IPv4 resolvers', () => {
    const g = intel.lookup('8.8.8.8');
    assert.equal(g?.country, 'US');
    assert.equal(g?.asn, 15169);
    assert.equal(g?.asn_kind, 'hosting');
    assert.equal(typeof g?.lat, 'number');
    assert.equal(intel.lookup('1.1.1.1')?.asn, 13335);
  });
  it('locates IPv6 through the v6 files', () => {
    const g = intel.lookup('2001:4860:4860::8888');
    assert.equal(g?.asn, 15169);
    assert.ok(g?.country);
  });
  it('knows nothing of private addresses', () => {
    assert.equal(intel.lookup('10.1.2.3'), undefined);
  });
});
