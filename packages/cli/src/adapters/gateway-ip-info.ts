import { createIpIntel } from '@tokenwarden/detection';
import { CidrIpInfo, type GatewayConfig, type IpInfo, type IpInfoLookup } from '@tokenwarden/gateway';

/** True when any route (or the top level) of the gateway config has a location policy. */
export function hasLocationPolicy(config: GatewayConfig): boolean {
  return config.location !== undefined || config.routes.some((r) => r.location !== undefined);
}

/**
 * The gateway's IP lookup for location policies: the operator's `ip_info` table first (it wins),
 * then the offline DB-IP city and ASN data the detection package ships, with its network kinds
 * (Tor, hosting). Loaded only when a location policy needs it.
 *
 * @example
 * ```ts
 * const ipInfo = hasLocationPolicy(config) ? gatewayIpInfo(config) : undefined;
 * ```
 */
export function gatewayIpInfo(config: GatewayConfig): IpInfoLookup {
  const table = new CidrIpInfo(config.ip_info);
  const intel = createIpIntel();
  return {
    lookup(ip: string): IpInfo | undefined {
      const own = table.lookup(ip);
      if (own) return own;
      const g = intel.lookup(ip);
      if (!g) return undefined;
      return {
        ...(g.country ? { country: g.country } : {}),
        ...(g.asn !== undefined ? { asn: g.asn } : {}),
        ...(g.asn_kind === 'tor' ? { tor: true } : {}),
        ...(g.asn_kind === 'hosting' ? { hosting: true } : {}),
      };
    },
  };
}
