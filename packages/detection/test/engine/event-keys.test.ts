import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientKey, geoKeys } from '../../src/engine/event-keys.js';
import { hashString, hashWith, providerHash } from '../../src/engine/sketches/hash.js';
import type { ClientInfo, GeoInfo } from '../../src/enriched-event.js';

function expected(g: GeoInfo) {
  const countryHash = g.country ? hashString(g.country) : 0;
  return {
    orgHash: g.as_org ? providerHash(g.as_org) : 0,
    countryHash,
    cityHash: g.city ? hashWith(countryHash, g.city) : 0,
  };
}

describe('hashes kept on GeoInfo and ClientInfo', () => {
  it('equal hashing the fields every time, also after the object is changed, and stay invisible', () => {
    const g: GeoInfo = { country: 'DE', city: 'Berlin', asn: 3320, as_org: 'Deutsche Telekom AG', asn_kind: 'residential' };
    const before = JSON.stringify(g);
    for (let i = 0; i < 3; i++) assert.deepEqual({ ...geoKeys(g) }, { ...expected(g), asOrg: g.as_org, country: g.country, city: g.city });
    assert.equal(JSON.stringify(g), before);
    assert.deepEqual({ ...g }, JSON.parse(before));
    g.country = 'AT';
    g.city = 'Wien';
    delete g.as_org;
    const after = geoKeys(g);
    assert.equal(after.countryHash, expected(g).countryHash);
    assert.equal(after.cityHash, expected(g).cityHash);
    assert.equal(after.orgHash, 0);
    const frozen = Object.freeze({ country: 'FR', asn_kind: 'unknown' as const });
    assert.equal(geoKeys(frozen).countryHash, hashString('FR'));
    assert.equal(geoKeys({ asn_kind: 'unknown' }).cityHash, 0);
  });

  it('clientKey is hashWith(hashString(family), os) whatever happened to the object', () => {
    const c: ClientInfo = { family: 'Chrome', os: 'Mac OS', scripted: false };
    assert.equal(clientKey(c), hashWith(hashString('Chrome'), 'Mac OS'));
    assert.equal(clientKey(c), hashWith(hashString('Chrome'), 'Mac OS'));
    c.os = undefined;
    assert.equal(clientKey(c), hashWith(hashString('Chrome'), ''));
    assert.equal(JSON.stringify({ ...c }), JSON.stringify(c));
    assert.equal(clientKey(Object.freeze({ family: 'curl', scripted: true })), hashWith(hashString('curl'), ''));
  });
});
