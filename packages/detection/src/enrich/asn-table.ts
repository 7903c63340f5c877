import { readFileSync } from 'node:fs';
import { ipv4ToInt, ipv6High64 } from '@tokenwarden/core';

/** An ASN and its organisation. */
export interface AsnRecord {
  asn: number;
  org: string;
}

/** ASN ranges in typed arrays, searched by binary search. */
export interface AsnTable {
  lookupV4(ip: string): AsnRecord | undefined;
  lookupV6(ip: string): AsnRecord | undefined;
  /** Number of ranges loaded (IPv4, IPv6). */
  size(): { v4: number; v6: number };
}

/** Growable typed columns for IPv4 ranges: the 400k-row hot path allocates no per-row objects. */
class V4Columns {
  length = 0;
  starts = new Uint32Array(1024);
  ends = new Uint32Array(1024);
  asns = new Uint32Array(1024);
  orgs = new Uint32Array(1024);

  push(s: number, e: number, asn: number, org: number): void {
    if (this.length === this.starts.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.asns = grow(this.asns);
      this.orgs = grow(this.orgs);
    }
    this.starts[this.length] = s;
    this.ends[this.length] = e;
    this.asns[this.length] = asn;
    this.orgs[this.length] = org;
    this.length++;
  }
}

class V6Columns {
  starts: bigint[] = [];
  ends: bigint[] = [];
  asns: number[] = [];
  orgs: number[] = [];
}

function unquote(field: string): string {
  if (field.length >= 2 && field.charCodeAt(0) === 34 && field.charCodeAt(field.length - 1) === 34) {
    return field.slice(1, -1).replaceAll('""', '"');
  }
  return field;
}

function toV4(field: string): number {
  if (field.includes('.')) return ipv4ToInt(field);
  if (field.length > 0 && field.length <= 10) {
    const n = Number(field);
    return Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : -1;
  }
  return -1;
}

function toV6(field: string): bigint | undefined {
  if (field.includes(':')) return ipv6High64(field);
  if (/^\d{1,39}$/.test(field)) return BigInt(field) >> 64n;
  return undefined;
}

/**
 * Parses ASN CSV text (`start,end,asn,org`, addresses as dotted/colon text or as decimal
 * integers: the `@ip-location-db/asn` layouts) into sorted typed arrays. IPv6 ranges keep their
 * upper 64 bits, which is all routing uses. Malformed rows are skipped and counted.
 *
 * @example
 * ```ts
 * const table = parseAsnCsv('1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n');
 * table.lookupV4('1.0.0.1'); // { asn: 13335, org: 'Cloudflare, Inc.' }
 * ```
 */
export function parseAsnCsv(text: string): AsnTable & { skipped: number } {
  const orgIndex = new Map<string, number>();
  const orgNames: string[] = [];
  const v4 = new V4Columns();
  const v6 = new V6Columns();
  let skipped = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    const lineEnd = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    start = end + 1;
    if (lineEnd <= lineStart || text.charCodeAt(lineStart) === 35) continue;
    const c1 = text.indexOf(',', lineStart);
    const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
    const c3 = c2 < 0 ? -1 : text.indexOf(',', c2 + 1);
    if (c3 < 0 || c3 > lineEnd) {
      skipped++;
      continue;
    }
    const asn = Number(text.slice(c2 + 1, c3));
    if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) {
      skipped++;
      continue;
    }
    const org = unquote(text.slice(c3 + 1, lineEnd));
    let oi = orgIndex.get(org);
    if (oi === undefined) {
      oi = orgNames.length;
      orgNames.push(org);
      orgIndex.set(org, oi);
    }
    const a = text.slice(lineStart, c1);
    const b = text.slice(c1 + 1, c2);
    const s4 = toV4(a);
    const e4 = s4 < 0 ? -1 : toV4(b);
    if (s4 >= 0 && e4 >= s4) {
      v4.push(s4, e4, asn, oi);
      continue;
    }
    const s6 = toV6(a);
    const e6 = toV6(b);
    if (s6 !== undefined && e6 !== undefined && e6 >= s6) {
      v6.starts.push(s6);
      v6.ends.push(e6);
      v6.asns.push(asn);
      v6.orgs.push(oi);
      continue;
    }
    skipped++;
  }
  const t4 = freezeV4(v4);
  const t6 = freezeV6(v6);
  const record = (asns: Uint32Array, orgs: Uint32Array, i: number): AsnRecord | undefined =>
    i < 0 ? undefined : { asn: asns[i] as number, org: orgNames[orgs[i] as number] as string };
  return {
    skipped,
    size: () => ({ v4: t4.starts.length, v6: t6.starts.length }),
    lookupV4(ip) {
      const n = ipv4ToInt(ip);
      return n < 0 ? undefined : record(t4.asns, t4.orgs, search(t4.starts, t4.ends, n));
    },
    lookupV6(ip) {
      const n = ipv6High64(ip);
      return n === undefined ? undefined : record(t6.asns, t6.orgs, search(t6.starts, t6.ends, n));
    },
  };
}

/** The sorting permutation of `starts[0..n)`, or undefined when already sorted (the usual case). */
function order<T extends number | bigint>(starts: ArrayLike<T>, n: number): number[] | undefined {
  for (let i = 1; i < n; i++) {
    if ((starts[i] as T) < (starts[i - 1] as T)) {
      const idx = Array.from({ length: n }, (_, k) => k);
      return idx.sort((x, y) => ((starts[x] as T) < (starts[y] as T) ? -1 : (starts[x] as T) > (starts[y] as T) ? 1 : 0));
    }
  }
  return undefined;
}

function freezeV4(c: V4Columns) {
  const n = c.length;
  const idx = order(c.starts, n);
  const pick = (a: Uint32Array) => (idx ? Uint32Array.from(idx, (i) => a[i] as number) : a.slice(0, n));
  return { starts: pick(c.starts), ends: pick(c.ends), asns: pick(c.asns), orgs: pick(c.orgs) };
}

function freezeV6(c: V6Columns) {
  const idx = order(c.starts, c.starts.length) ?? c.starts.map((_, i) => i);
  return {
    starts: BigUint64Array.from(idx, (i) => c.starts[i] as bigint),
    ends: BigUint64Array.from(idx, (i) => c.ends[i] as bigint),
    asns: Uint32Array.from(idx, (i) => c.asns[i] as number),
    orgs: Uint32Array.from(idx, (i) => c.orgs[i] as number),
  };
}

/** Index of the range holding `n` (last start <= n, and n <= its end), or -1. */
function search<T extends number | bigint>(starts: ArrayLike<T>, ends: ArrayLike<T>, n: T): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as T) <= n) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && n <= (ends[found] as T) ? found : -1;
}

/**
 * Loads an ASN CSV file into an {@link AsnTable}.
 *
 * @example
 * ```ts
 * const table = loadAsnCsv('/data/asn-ipv4-num.csv');
 * ```
 */
export function loadAsnCsv(path: string): AsnTable {
  return parseAsnCsv(readFileSync(path, 'utf8'));
}
