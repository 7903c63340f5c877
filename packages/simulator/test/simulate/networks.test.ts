import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { NETWORKS } from '@tokenwarden/simulator';

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** The ASN data shipped for detection, when installed (it is a dependency of the detection package). */
function asnTable(): { start: number; end: number; asn: number }[] | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json');
    const rows: { start: number; end: number; asn: number }[] = [];
    for (const line of readFileSync(join(dirname(pkg), 'asn-ipv4.csv'), 'utf8').split('\n')) {
      const m = /^([\d.]+),([\d.]+),(\d+),/.exec(line);
      if (m) rows.push({ start: ipToNumber(m[1] as string), end: ipToNumber(m[2] as string), asn: Number(m[3]) });
    }
    return rows;
  } catch {
    return undefined;
  }
}

test('network table is well formed', () => {
  const ids = new Set<string>();
  for (const n of NETWORKS) {
    assert.ok(!ids.has(n.id), `duplicate network ${n.id}`);
    ids.add(n.id);
    assert.ok(n.blocks.length > 0);
    for (const b of n.blocks) assert.match(b, /^\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    assert.match(n.country, /^[A-Z]{2}$/);
    assert.ok(n.why.length > 0);
  }
  for (const kind of ['residential', 'mobile', 'office', 'corporate_vpn', 'cloud', 'hosting', 'vpn', 'tor']) {
    assert.ok(
      NETWORKS.some((n) => n.kind === kind),
      kind,
    );
  }
});

test('every simulated block belongs to the ASN the table claims, in the shipped ASN data', (t) => {
  const rows = asnTable();
  if (!rows) {
    t.skip('@ip-location-db/asn is not installed');
    return;
  }
  const lookup = (ip: number): number | undefined => {
    let lo = 0;
    let hi = rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rows[mid] as { start: number; end: number; asn: number };
      if (ip < r.start) hi = mid - 1;
      else if (ip > r.end) lo = mid + 1;
      else return r.asn;
    }
    return undefined;
  };
  for (const n of NETWORKS) {
    for (const b of n.blocks) {
      for (const host of [2, 128, 254])
        assert.equal(lookup(ipToNumber(`${b}.${host}`)), n.asn, `${b}.${host} (${n.id}) should be AS${n.asn}`);
    }
  }
});
