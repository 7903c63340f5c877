import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '@tokenwarden/core';
import { createEnricher } from '../../src/enrich/enricher.js';
import type { IpIntel } from '../../src/enrich/ip-intel.js';
import type { GeoInfo } from '../../src/enriched-event.js';
import type { NormalisedEvent } from '../../src/ingest/types.js';
import { type KeySlot, ReorderBuffer } from '../../src/pipeline/reorder-buffer.js';

/** An IP intelligence that answers from a table and counts its lookups. */
function tableIntel(table: Record<string, GeoInfo>): IpIntel & { calls: number } {
  const intel = {
    calls: 0,
    lookup(ip: string): GeoInfo | undefined {
      intel.calls++;
      return table[ip];
    },
  };
  return intel;
}

const DE: GeoInfo = { country: 'DE', city: 'Berlin', asn: 3320, as_org: 'Deutsche Telekom AG', asn_kind: 'residential' };
const FR: GeoInfo = { country: 'FR', asn: 3215, as_org: 'Orange', asn_kind: 'residential' };

function event(i: number, credential: string, ip: string | undefined): NormalisedEvent {
  return {
    id: `e${i}`,
    time: new Date(i * 1000).toISOString(),
    ts: i * 1000,
    credential_id: credential,
    credential_key: credential,
    source_ip: ip,
    outcome: 'success',
    source_system: 'test',
  };
}

describe('enricher memo of a credential address on its reorder-buffer slot', () => {
  it('gives what the intelligence gives, through repeated, changed and absent addresses and a second intelligence', () => {
    const ips = ['203.0.113.1', '203.0.113.1', '198.51.100.9', '198.51.100.9', undefined, '203.0.113.1', '192.0.2.1', '192.0.2.1'];
    const creds = ['k1', 'k1', 'k2', 'k1', 'k2', 'k2', 'k1', 'k1'];
    const table = { '203.0.113.1': DE, '198.51.100.9': FR };
    const buf = new ReorderBuffer<NormalisedEvent>({ toleranceMs: 0, key: (e) => e.credential_key });
    const released = ips.flatMap((ip, i) => buf.push(event(i, creds[i] as string, ip)));
    assert.equal(released.length, ips.length);
    const plainIntel = tableIntel(table);
    const plain = createEnricher({ ipIntel: plainIntel });
    const memoIntel = tableIntel(table);
    const memo = createEnricher({ ipIntel: memoIntel });
    // Another intelligence with other answers, over slots the first one filled: its own answers, never the memo.
    const otherIntel = tableIntel({ '203.0.113.1': FR, '198.51.100.9': DE });
    const other = createEnricher({ ipIntel: otherIntel });
    for (const e of released) {
      assert.ok(e.key_slot !== undefined);
      assert.equal(memo({ ...e }).geo, plain({ ...e, key_slot: undefined }).geo);
    }
    for (const e of released) {
      const ip = e.source_ip;
      assert.equal(other({ ...e }).geo, ip === undefined ? undefined : { '203.0.113.1': FR, '198.51.100.9': DE }[ip]);
    }
    // The memo saved lookups: a credential's repeated address is asked once.
    assert.ok(memoIntel.calls < plainIntel.calls, `${memoIntel.calls} < ${plainIntel.calls}`);
  });

  it('gives the same answers as plain lookups over random addresses of a few credentials, with two intelligences in turn', () => {
    const rnd = seededRandom(5);
    const addresses = ['203.0.113.1', '203.0.113.2', '198.51.100.9', '192.0.2.1', '2001:db8::1', undefined];
    const tableA: Record<string, GeoInfo> = { '203.0.113.1': DE, '203.0.113.2': DE, '198.51.100.9': FR, '2001:db8::1': FR };
    const tableB: Record<string, GeoInfo> = { '203.0.113.1': FR, '192.0.2.1': DE };
    const intels = [tableIntel(tableA), tableIntel(tableB)];
    const enrichers = intels.map((ipIntel) => createEnricher({ ipIntel }));
    const buf = new ReorderBuffer<NormalisedEvent>({ toleranceMs: 0, key: (e) => e.credential_key });
    let lookups = 0;
    for (let i = 0; i < 5000; i++) {
      const credential = `k${Math.floor(rnd() * 4)}`;
      // Each credential keeps to 1-4 of the addresses, as a client with a few addresses does.
      const ip = addresses[(Number(credential.slice(1)) + Math.floor(rnd() * (1 + Number(credential.slice(1))))) % addresses.length];
      const which = rnd() < 0.9 ? 0 : 1;
      for (const e of buf.push(event(i, credential, ip))) {
        const table = which === 0 ? tableA : tableB;
        assert.equal((enrichers[which] as (e: NormalisedEvent) => { geo?: GeoInfo })(e).geo, ip === undefined ? undefined : table[ip]);
        if (ip !== undefined) lookups++;
      }
    }
    const calls = (intels[0]?.calls ?? 0) + (intels[1]?.calls ?? 0);
    assert.ok(calls < lookups / 2, `${calls} lookups for ${lookups} addressed events`);
  });

  it('keeps the memo to the address the intelligence answered, whatever the source hints add', () => {
    const slot: KeySlot = { ts: 0, owner: undefined, link: undefined, ipOwner: undefined, ip: undefined, ipAnswer: undefined };
    const intel = tableIntel({ '203.0.113.1': DE });
    const enrich = createEnricher({ ipIntel: intel });
    const hinted = enrich({ ...event(1, 'k', '203.0.113.1'), key_slot: slot, network_hint: { proxy: true } });
    assert.equal(hinted.geo?.asn_kind, 'vpn');
    assert.equal(slot.ipAnswer, DE);
    const again = enrich({ ...event(2, 'k', '203.0.113.1'), key_slot: slot });
    assert.equal(again.geo, DE);
    assert.equal(DE.asn_kind, 'residential');
    assert.equal(intel.calls, 1);
  });
});
