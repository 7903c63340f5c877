import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('refuses at once a --geoip that is not an mmdb and an --asn file without ASN ranges', () => {
    assert.throws(() => createIpIntel({ geoipPath: fixture('asn-small.csv') }), {
      code: 'TW_INPUT_MALFORMED',
      message: /asn-small\.csv is not a MaxMind DB/,
    });
    assert.throws(() => createIpIntel({ asnPath: fixture('tor-exits.txt') }), {
      code: 'TW_INPUT_MALFORMED',
      message: /--asn .*tor-exits\.txt holds no ASN ranges \(\d+ line\(s\) not start,end,asn,org\)/,
    });
  });

  it('warns of skipped lines in an --asn CSV and uses the rest; without a city database there is no place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-asn-'));
    try {
      writeFileSync(join(dir, 'asn.csv'), '1.0.0.0,1.0.0.255,13335,Cloudflare\nnot a range\n');
      const warnings: string[] = [];
      const intel = createIpIntel({ geoipPath: false, asnPath: join(dir, 'asn.csv'), onWarning: (m) => warnings.push(m) });
      assert.deepEqual(warnings, [`--asn ${join(dir, 'asn.csv')}: 1 line(s) skipped (not start,end,asn,org)`]);
      assert.equal(intel.lookup('1.0.0.1')?.asn, 13335);
      assert.equal(intel.lookup('1.0.0.1')?.country, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
