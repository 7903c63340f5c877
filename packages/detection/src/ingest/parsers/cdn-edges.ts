import { ipv4ToInt, ipv6High64 } from '@tokenwarden/core';

// Cloudflare's published edge ranges (https://www.cloudflare.com/ips/): the addresses its proxies connect from.
const CLOUDFLARE_V4: readonly string[] = [
  '173.245.48.0/20',
  '103.21.244.0/22',
  '103.22.200.0/22',
  '103.31.4.0/22',
  '141.101.64.0/18',
  '108.162.192.0/18',
  '190.93.240.0/20',
  '188.114.96.0/20',
  '197.234.240.0/22',
  '198.41.128.0/17',
  '162.158.0.0/15',
  '104.16.0.0/13',
  '104.24.0.0/14',
  '172.64.0.0/13',
  '131.0.72.0/22',
];
const CLOUDFLARE_V6: readonly string[] = [
  '2400:cb00::/32',
  '2606:4700::/32',
  '2803:f800::/32',
  '2405:b500::/32',
  '2405:8100::/32',
  '2a06:98c0::/29',
  '2c0f:f248::/32',
];

const V4_RANGES: readonly (readonly [number, number])[] = CLOUDFLARE_V4.map((cidr) => {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = ipv4ToInt(base);
  return [first, first + size - 1] as const;
});
const V6_RANGES: readonly (readonly [bigint, bigint])[] = CLOUDFLARE_V6.map((cidr) => {
  const [base = '', bits = '64'] = cidr.split('/');
  const shift = 64n - BigInt(bits);
  const first = ((ipv6High64(base) ?? 0n) >> shift) << shift;
  return [first, first + (1n << shift) - 1n] as const;
});

/**
 * True when an address is a CDN's edge proxy (Cloudflare's published ranges): an nginx behind the CDN sees every
 * client connect from these, and the client is the address the CDN appended to `X-Forwarded-For`.
 *
 * @example
 * ```ts
 * isCdnEdge('162.158.90.12'); // true
 * isCdnEdge('73.22.10.5'); // false
 * ```
 */
export function isCdnEdge(ip: string): boolean {
  const v4 = ipv4ToInt(ip);
  if (v4 >= 0) {
    for (const [first, last] of V4_RANGES) if (v4 >= first && v4 <= last) return true;
    return false;
  }
  if (!ip.includes(':')) return false;
  const high = ipv6High64(ip);
  if (high === undefined) return false;
  for (const [first, last] of V6_RANGES) if (high >= first && high <= last) return true;
  return false;
}
