import { hashString } from './sketches/hash.js';

/** A network key for an address that the IP databases know nothing about. */
export interface UnregisteredNetwork {
  /** Stands in for an ASN in the profiles: 2^31 and above, where no registry assigns public ASNs. */
  key: number;
  /** For evidence: `internal network` or the address's prefix (`198.51.100.0/24`). */
  label: string;
  /** A private, shared (CGNAT), loopback or link-local address. */
  internal: boolean;
}

const PSEUDO_ASN_BIT = 0x80000000;

/** Key of every internal address: private space is one network, the organisation's own. */
export const INTERNAL_NETWORK_KEY = (hashString('network:internal') | PSEUDO_ASN_BIT) >>> 0;

const INTERNAL: UnregisteredNetwork = { key: INTERNAL_NETWORK_KEY, label: 'internal network', internal: true };

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

function ipv4(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return -1;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return -1;
    v = v * 256 + Number(p);
  }
  return v;
}

// The first three groups of an IPv6 address (its /48), lower-case, or undefined when it is not one.
function ipv6Groups(ip: string): number[] | undefined {
  if (!ip.includes(':') || !/^[0-9a-f:.]+$/i.test(ip)) return undefined;
  const halves = ip.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? (halves[1] as string).split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array.from({ length: Math.max(0, fill) }, () => '0'), ...tail];
  if (groups.length < 3) return undefined;
  const out: number[] = [];
  for (const g of groups.slice(0, 3)) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    out.push(Number.parseInt(g, 16));
  }
  return out;
}

function pseudo(label: string): UnregisteredNetwork {
  return { key: (hashString(`network:${label}`) | PSEUDO_ASN_BIT) >>> 0, label, internal: false };
}

/**
 * The network an address belongs to when no ASN is known for it. Internal addresses (RFC 1918, carrier-grade
 * NAT, loopback, link-local, IPv6 unique-local and link-local) are one network: a cloud key that only ever
 * called from inside its VPC and now calls from the internet has left its network, whatever the databases say.
 * A public address missing from the databases (new allocations, documentation ranges in lab data) stands for
 * its /24 (IPv4) or /48 (IPv6), the smallest prefixes routed between networks, so an unknown address is still
 * a place that can be new. Undefined for text that is not an address.
 *
 * @example
 * ```ts
 * unregisteredNetwork('10.0.1.50'); // { key: INTERNAL_NETWORK_KEY, label: 'internal network', internal: true }
 * unregisteredNetwork('198.51.100.23')?.label; // '198.51.100.0/24'
 * ```
 */
export function unregisteredNetwork(ip: string): UnregisteredNetwork | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = ipv4(mapped ? (mapped[1] as string) : ip);
  if (v4 >= 0) {
    for (const [first, last] of INTERNAL_V4) if (v4 >= first && v4 <= last) return INTERNAL;
    return pseudo(`${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.0/24`);
  }
  const g = ipv6Groups(ip);
  if (!g) return undefined;
  const first = g[0] as number;
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first === 0 && g[1] === 0 && g[2] === 0)) return INTERNAL;
  return pseudo(`${g.map((x) => x.toString(16)).join(':')}::/48`);
}
