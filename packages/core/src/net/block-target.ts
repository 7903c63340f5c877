import { BlockList, isIP } from 'node:net';
import { addressScope } from './address-scope.js';

/** An IP address or CIDR range, validated: what a gateway block of `kind: 'ip'` may name. */
export interface IpBlockValue {
  address: string;
  /** The prefix length, when a range was given. */
  prefix?: number;
  family: 4 | 6;
}

/**
 * Parses an IP block value strictly: an address `net.isIP` accepts (four decimal parts 0-255 for
 * IPv4), optionally followed by one `/` and a decimal prefix length of 0-32 (IPv4) or 0-128 (IPv6).
 * Returns undefined for anything else (`999.1.1.1`, `1.2.3`, `1.2.3.4/99`, `1.2.3.4/`, `1.2.3.4/8/9`).
 *
 * @example
 * ```ts
 * parseIpBlockValue('10.0.0.0/8'); // { address: '10.0.0.0', prefix: 8, family: 4 }
 * parseIpBlockValue('256.256.256.256'); // undefined
 * ```
 */
export function parseIpBlockValue(value: string): IpBlockValue | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const family = isIP(address);
  if (family !== 4 && family !== 6) return undefined;
  if (slash < 0) return { address, family };
  const prefixText = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family };
}

// Addresses no block may ever cover: loopback (every local client, health checks, the sidecar in
// front) and the unspecified address (never a real source; a block of it is a parsing mistake).
const NEVER_V4: readonly (readonly [string, number, string])[] = [
  ['127.0.0.0', 8, 'loopback'],
  ['0.0.0.0', 8, 'unspecified'],
];
const NEVER_V6: readonly (readonly [string, number, string])[] = [
  ['::1', 128, 'loopback'],
  ['::', 128, 'unspecified'],
  ['::ffff:127.0.0.0', 104, 'loopback'],
  ['::ffff:0.0.0.0', 104, 'unspecified'],
];

/**
 * Why an IP block value must never be applied, or undefined when it may: it is, or its range
 * covers or lies inside, loopback (127.0.0.0/8, ::1, IPv4-mapped loopback) or the unspecified
 * address (0.0.0.0/8, ::). Blocking one of them locks out every client on the machine (or, for a
 * range like 0.0.0.0/0, everyone). Values that do not parse are not judged here (see
 * {@link parseIpBlockValue}).
 *
 * @example
 * ```ts
 * unblockableIpReason('127.0.0.1'); // 'loopback address: blocking it would lock out every local client'
 * unblockableIpReason('0.0.0.0/0'); // 'range covers loopback ...'
 * unblockableIpReason('203.0.113.7'); // undefined
 * ```
 */
export function unblockableIpReason(value: string): string | undefined {
  const parsed = parseIpBlockValue(value);
  if (!parsed) return undefined;
  const type = parsed.family === 4 ? 'ipv4' : 'ipv6';
  const candidate = new BlockList();
  if (parsed.prefix === undefined) candidate.addAddress(parsed.address, type);
  else candidate.addSubnet(parsed.address, parsed.prefix, type);
  for (const [network, bits, what] of parsed.family === 4 ? NEVER_V4 : NEVER_V6) {
    const protectedRange = new BlockList();
    protectedRange.addSubnet(network, bits, type);
    // Two prefixes overlap exactly when one holds the other's first address.
    if (protectedRange.check(parsed.address, type) || candidate.check(network, type)) {
      return parsed.prefix === undefined
        ? `${what} address: blocking it would lock out every ${what === 'loopback' ? 'local client' : 'client'}`
        : `range overlaps ${what} (${network}/${bits}): blocking it would lock out every ${what === 'loopback' ? 'local client' : 'client'}`;
    }
  }
  return undefined;
}

/**
 * Why containment must not block this source on its own, or undefined when it may: loopback and
 * unspecified (never, see {@link unblockableIpReason}), and internal addresses (private,
 * carrier-grade NAT, link-local, IPv6 unique-local and link-local). An internal source is most
 * often the reverse proxy or load balancer in front of the gateway (when `trusted_proxies` is not
 * set, every request seems to come from it), so an automatic block would lock out every client
 * behind it; a person who knows it is the attacker can still block it explicitly.
 *
 * @example
 * ```ts
 * automaticBlockSkipReason('10.0.0.7'); // 'internal address (private, CGNAT or link-local): ...'
 * automaticBlockSkipReason('203.0.113.7'); // undefined
 * ```
 */
export function automaticBlockSkipReason(ip: string): string | undefined {
  const never = unblockableIpReason(ip);
  if (never) return never;
  if (addressScope(ip)?.internal) {
    return 'internal address (private, CGNAT or link-local): likely the proxy or load balancer in front of the gateway, so blocking it could lock out every client behind it; block it explicitly if it really is the attacker';
  }
  return undefined;
}
