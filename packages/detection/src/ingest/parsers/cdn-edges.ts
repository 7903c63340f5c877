import { ipv4ToInt, ipv6High64 } from '@tokenwarden/core';

// Published edge ranges: the addresses a CDN's proxies connect to an origin from, so an nginx behind
// the CDN sees every client connect from one of these. Cloudflare: https://www.cloudflare.com/ips/.
// Fastly: https://api.fastly.com/public-ip-list. CloudFront's and Akamai's are not here: CloudFront's
// list is large and changes weekly, Akamai publishes none.
const CDN_EDGES: readonly { cdn: string; v4: readonly string[]; v6: readonly string[] }[] = [
  {
    cdn: 'cloudflare',
    v4: [
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
    ],
    v6: ['2400:cb00::/32', '2606:4700::/32', '2803:f800::/32', '2405:b500::/32', '2405:8100::/32', '2a06:98c0::/29', '2c0f:f248::/32'],
  },
  {
    cdn: 'fastly',
    v4: [
      '23.235.32.0/20',
      '43.249.72.0/22',
      '103.244.50.0/24',
      '103.245.222.0/23',
      '103.245.224.0/24',
      '104.156.80.0/20',
      '140.248.64.0/18',
      '140.248.128.0/17',
      '146.75.0.0/17',
      '151.101.0.0/16',
      '157.52.64.0/18',
      '167.82.0.0/17',
      '167.82.128.0/20',
      '167.82.160.0/20',
      '167.82.224.0/20',
      '172.111.64.0/18',
      '185.31.16.0/22',
      '199.27.72.0/21',
      '199.232.0.0/16',
    ],
    v6: ['2a04:4e40::/32', '2a04:4e42::/32'],
  },
];

const V4_RANGES: readonly (readonly [number, number])[] = CDN_EDGES.flatMap((c) => c.v4).map((cidr) => {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = ipv4ToInt(base);
  return [first, first + size - 1] as const;
});
const V6_RANGES: readonly (readonly [bigint, bigint])[] = CDN_EDGES.flatMap((c) => c.v6).map((cidr) => {
  const [base = '', bits = '64'] = cidr.split('/');
  const shift = 64n - BigInt(bits);
  const first = ((ipv6High64(base) ?? 0n) >> shift) << shift;
  return [first, first + (1n << shift) - 1n] as const;
});

/**
 * True when an address is a CDN's edge proxy (Cloudflare's or Fastly's published ranges): an nginx behind the CDN sees every
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
