import type { GeoInfo } from '../enriched-event.js';

type Unknown = Record<string, unknown>;

function obj(v: unknown): Unknown | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Unknown) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Location part of a city database record, in whichever layout the database uses. */
export type GeoPart = Pick<GeoInfo, 'country' | 'city' | 'lat' | 'lon'> & { asn?: number; as_org?: string; anonymous?: boolean };

/**
 * Reads a city record of either layout: DB-IP / ip-location-db (`country_code`, `city`,
 * `latitude`, `longitude`) or MaxMind GeoLite2/GeoIP2 (`country.iso_code`, `city.names.en`,
 * `location.latitude`). GeoIP2 records with `traits` also give ASN and anonymity.
 *
 * @example
 * ```ts
 * geoFromCityRecord({ country_code: 'US', city: 'Mountain View', latitude: 37.4, longitude: -122.1 });
 * ```
 */
export function geoFromCityRecord(record: unknown): GeoPart | undefined {
  const r = obj(record);
  if (!r) return undefined;
  const country = str(r.country_code) ?? str(obj(r.country)?.iso_code) ?? str(obj(r.registered_country)?.iso_code);
  const cityValue = r.city;
  const city = typeof cityValue === 'string' ? str(cityValue) : str(obj(obj(cityValue)?.names)?.en);
  const location = obj(r.location);
  const lat = num(r.latitude) ?? num(location?.latitude);
  const lon = num(r.longitude) ?? num(location?.longitude);
  const traits = obj(r.traits);
  const out: GeoPart = {};
  if (country) out.country = country;
  if (city) out.city = city;
  if (lat !== undefined && lon !== undefined) {
    out.lat = lat;
    out.lon = lon;
  }
  const asn = num(traits?.autonomous_system_number);
  if (asn !== undefined) out.asn = asn;
  const org = str(traits?.autonomous_system_organization);
  if (org) out.as_org = org;
  if (traits && (traits.is_anonymous === true || traits.is_anonymous_vpn === true || traits.is_tor_exit_node === true))
    out.anonymous = true;
  return out;
}

/**
 * Reads an ASN database record (GeoLite2-ASN and ip-location-db layout:
 * `autonomous_system_number`, `autonomous_system_organization`).
 *
 * @example
 * ```ts
 * asnFromRecord({ autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' }); // { asn: 15169, org: 'GOOGLE' }
 * ```
 */
export function asnFromRecord(record: unknown): { asn: number; org: string } | undefined {
  const r = obj(record);
  const asn = num(r?.autonomous_system_number) ?? num(r?.asn);
  if (asn === undefined) return undefined;
  return { asn, org: str(r?.autonomous_system_organization) ?? str(r?.as_org) ?? '' };
}
