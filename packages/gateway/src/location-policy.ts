import type { LocationPolicyConfig } from './gateway-config.js';
import { IpSet } from './ip-set.js';

/** What is known about an address. */
export interface IpInfo {
  country?: string;
  asn?: number;
  tor?: boolean;
  hosting?: boolean;
}

/**
 * Looks up country / ASN / Tor / hosting for an address. Pluggable: a MaxMind or DB-IP reader, a
 * Tor exit list, or the small static table from the gateway config.
 */
export interface IpInfoLookup {
  lookup(ip: string): IpInfo | undefined;
}

/**
 * An {@link IpInfoLookup} over a list of CIDR ranges (first match wins), e.g. the `ip_info` table
 * of the gateway config.
 *
 * @example
 * ```ts
 * const info = new CidrIpInfo([{ cidr: '203.0.113.0/24', country: 'DE', asn: 64500 }]);
 * info.lookup('203.0.113.9')?.country; // 'DE'
 * ```
 */
export class CidrIpInfo implements IpInfoLookup {
  private readonly ranges: { set: IpSet; info: IpInfo }[];

  constructor(entries: readonly ({ cidr: string } & IpInfo)[]) {
    this.ranges = entries.map(({ cidr, ...info }) => ({ set: IpSet.from([cidr]), info }));
  }

  lookup(ip: string): IpInfo | undefined {
    for (const r of this.ranges) if (r.set.has(ip)) return r.info;
    return undefined;
  }
}

/**
 * Applies a location policy: deny rules win, then a non-empty allow list admits only what it
 * names. Returns the reason for a refusal, or undefined when allowed.
 *
 * @example
 * ```ts
 * locationRefusal({ deny_countries: ['KP'] }, { country: 'KP' }); // 'country KP denied'
 * ```
 */
export function locationRefusal(policy: LocationPolicyConfig | undefined, info: IpInfo | undefined): string | undefined {
  if (!policy) return undefined;
  const unknownDenied = policy.unknown === 'deny';
  if (policy.deny_tor && info?.tor) return 'tor exit denied';
  if (policy.deny_hosting && info?.hosting) return 'hosting provider denied';
  if (info?.country && policy.deny_countries?.includes(info.country)) return `country ${info.country} denied`;
  if (info?.asn !== undefined && policy.deny_asns?.includes(info.asn)) return `asn ${info.asn} denied`;
  if (policy.allow_countries && policy.allow_countries.length > 0) {
    if (!info?.country) return unknownDenied ? 'country unknown' : undefined;
    if (!policy.allow_countries.includes(info.country)) return `country ${info.country} not allowed`;
  }
  if (policy.allow_asns && policy.allow_asns.length > 0) {
    if (info?.asn === undefined) return unknownDenied ? 'asn unknown' : undefined;
    if (!policy.allow_asns.includes(info.asn)) return `asn ${info.asn} not allowed`;
  }
  return undefined;
}
