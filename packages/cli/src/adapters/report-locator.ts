import type { IpIntel } from '@tokenwarden/detection';

/**
 * The forensic report's source lookup (country and network of an address) over detection's
 * offline IP intelligence.
 *
 * @example
 * ```ts
 * buildForensicReport({ credential, events, alerts, locate: reportLocator(createIpIntel()) });
 * ```
 */
export function reportLocator(intel: IpIntel): (ip: string) => { country?: string; asn?: number; as_org?: string } | undefined {
  return (ip) => {
    const g = intel.lookup(ip);
    if (!g) return undefined;
    return {
      ...(g.country ? { country: g.country } : {}),
      ...(g.asn !== undefined ? { asn: g.asn } : {}),
      ...(g.as_org ? { as_org: g.as_org } : {}),
    };
  };
}
