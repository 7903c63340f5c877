import type { ClientInfo, EnrichedEvent, GeoInfo } from '../enriched-event.js';
import { hashString, hashWith, providerHash } from './sketches/hash.js';

/** The hashes the engine derives from an event's {@link GeoInfo}, with the strings they were derived from. */
export interface GeoKeys {
  readonly asOrg: string | undefined;
  readonly country: string | undefined;
  readonly city: string | undefined;
  /** `providerHash(as_org)`, 0 without one. */
  readonly orgHash: number;
  /** `hashString(country)`, 0 without one. */
  readonly countryHash: number;
  /** `hashWith(countryHash, city)`, 0 without a city. */
  readonly cityHash: number;
}

/** Where the keys ride on a GeoInfo or ClientInfo: a symbol, non-enumerable, so JSON, spreads and deep equality never see it. */
const KEYS = Symbol('tokenwarden.geoKeys');

type Keyed = GeoInfo & { [KEYS]?: GeoKeys };
type KeyedClient = ClientInfo & { [KEYS]?: ClientKey };

function derive(g: GeoInfo): GeoKeys {
  const countryHash = g.country ? hashString(g.country) : 0;
  return {
    asOrg: g.as_org,
    country: g.country,
    city: g.city,
    orgHash: g.as_org ? providerHash(g.as_org) : 0,
    countryHash,
    cityHash: g.city ? hashWith(countryHash, g.city) : 0,
  };
}

/**
 * The organisation, country and city hashes of a GeoInfo, computed once per GeoInfo object instead of once per
 * event: the IP-intelligence cache hands every event from one address the same object, so most events reuse
 * them. They are kept on the object itself (no lookup) with the strings they came from, and recomputed when
 * those strings are not the very same ones (a caller changed the object), so the answer is always what hashing
 * the current fields gives. A frozen or sealed GeoInfo is hashed every time.
 *
 * @example
 * ```ts
 * const { orgHash, countryHash, cityHash } = geoKeys(event.geo);
 * ```
 */
export function geoKeys(g: GeoInfo): GeoKeys {
  const kept = (g as Keyed)[KEYS];
  if (kept !== undefined && kept.asOrg === g.as_org && kept.country === g.country && kept.city === g.city) return kept;
  const keys = derive(g);
  if (kept !== undefined) (g as Keyed)[KEYS] = keys;
  else if (Object.isExtensible(g)) Object.defineProperty(g, KEYS, { value: keys, writable: true, enumerable: false, configurable: true });
  return keys;
}

/** The client hash the engine derives from a {@link ClientInfo} with a family, with the strings it came from. */
export interface ClientKey {
  readonly family: string;
  readonly os: string | undefined;
  /** `hashWith(hashString(family), os ?? '')`. */
  readonly hash: number;
}

/**
 * `hashWith(hashString(c.family), c.os ?? '')` for a client with a family, kept on the ClientInfo like
 * {@link geoKeys} (the user-agent cache hands every event with one user agent the same object).
 *
 * @example
 * ```ts
 * const clientHash = event.client?.family ? clientKey(event.client) : 0;
 * ```
 */
export function clientKey(c: ClientInfo): number {
  const kept = (c as KeyedClient)[KEYS];
  if (kept !== undefined && kept.family === c.family && kept.os === c.os) return kept.hash;
  const key: ClientKey = { family: c.family, os: c.os, hash: hashWith(hashString(c.family), c.os ?? '') };
  if (kept !== undefined) (c as KeyedClient)[KEYS] = key;
  else if (Object.isExtensible(c)) Object.defineProperty(c, KEYS, { value: key, writable: true, enumerable: false, configurable: true });
  return key.hash;
}

/**
 * The hash detectors compare an event's client by: its family and system when the user agent was parsed, else the raw
 * user agent, 0 without either.
 *
 * @example
 * ```ts
 * ctx.clientHash = eventClientHash(ev);
 * ```
 */
export function eventClientHash(ev: EnrichedEvent): number {
  const c = ev.client;
  return c?.family ? clientKey(c) : ev.user_agent ? hashString(ev.user_agent) : 0;
}
