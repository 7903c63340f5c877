import { ipv4ToInt, ipv6High64 } from './ip-parse.js';

/**
 * Where an address sits when no IP database has to be asked: inside an organisation (private,
 * carrier-grade NAT, loopback, link-local, IPv6 unique-local and link-local), or on the internet
 * within a routed prefix (its /24 for IPv4, its /48 for IPv6). Shared by detection's parsers (the client
 * behind a load balancer) and engine (a place for addresses the databases do not know), and the sign-in
 * throttle (an internal address may be the proxy in front, shared by everyone).
 */
export type AddressScope = { internal: true } | { internal: false; prefix: string };

// [first, last] of each IPv4 range that never leaves an organisation (or a carrier's NAT).
const INTERNAL_V4: readonly (readonly [number, number])[] = [
  [0x00000000, 0x00ffffff], // 0.0.0.0/8
  [0x0a000000, 0x0affffff], // 10.0.0.0/8
  [0x64400000, 0x647fffff], // 100.64.0.0/10, carrier-grade NAT
  [0x7f000000, 0x7fffffff], // 127.0.0.0/8
  [0xa9fe0000, 0xa9feffff], // 169.254.0.0/16
  [0xac100000, 0xac1fffff], // 172.16.0.0/12
  [0xc0a80000, 0xc0a8ffff], // 192.168.0.0/16
];

const INTERNAL_SCOPE: AddressScope = { internal: true };

/**
 * The scope of an address, or undefined for text that is not one.
 *
 * @example
 * ```ts
 * addressScope('10.0.1.50'); // { internal: true }
 * addressScope('198.51.100.23'); // { internal: false, prefix: '198.51.100.0/24' }
 * ```
 */
export function addressScope(ip: string): AddressScope | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = ipv4ToInt(mapped ? (mapped[1] as string) : ip);
  if (v4 >= 0) {
    for (const [first, last] of INTERNAL_V4) if (v4 >= first && v4 <= last) return INTERNAL_SCOPE;
    return { internal: false, prefix: `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.0/24` };
  }
  const high = ip.includes(':') ? ipv6High64(ip) : undefined;
  if (high === undefined) return undefined;
  const groups = [Number((high >> 48n) & 0xffffn), Number((high >> 32n) & 0xffffn), Number((high >> 16n) & 0xffffn)];
  const first = groups[0] as number;
  // fc00::/7 unique-local, fe80::/10 link-local, and ::/48 (loopback, unspecified).
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || high >> 16n === 0n) return INTERNAL_SCOPE;
  return { internal: false, prefix: `${groups.map((x) => x.toString(16)).join(':')}::/48` };
}
