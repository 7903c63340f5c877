import { BlockList, isIP } from 'node:net';
import { parseIpBlockValue } from '@tokenwarden/core';

/**
 * A set of IP addresses and CIDR ranges (IPv4 and IPv6), backed by `net.BlockList`.
 *
 * @example
 * ```ts
 * const proxies = IpSet.from(['10.0.0.0/8', '::1']);
 * proxies.has('10.1.2.3'); // true
 * ```
 */
export class IpSet {
  private readonly list = new BlockList();
  private count = 0;

  /** Builds a set from addresses and `addr/prefix` ranges; throws a TypeError naming a bad entry. */
  static from(entries: readonly string[]): IpSet {
    const set = new IpSet();
    for (const e of entries) set.add(e);
    return set;
  }

  /** Adds one address or range. */
  add(entry: string): void {
    // Strict: one optional `/` and a decimal prefix of 0-32 / 0-128 (`1.2.3.4/` is not a /0).
    const parsed = parseIpBlockValue(entry);
    if (!parsed) throw new TypeError(`not an IP address or CIDR (prefix length 0-32 for IPv4, 0-128 for IPv6): ${entry}`);
    const type = parsed.family === 6 ? 'ipv6' : 'ipv4';
    if (parsed.prefix === undefined) this.list.addAddress(parsed.address, type);
    else this.list.addSubnet(parsed.address, parsed.prefix, type);
    this.count++;
  }

  /** True when no entry was added. */
  get empty(): boolean {
    return this.count === 0;
  }

  /** True when `ip` is covered; IPv4-mapped IPv6 addresses are checked as IPv4. */
  has(ip: string): boolean {
    if (this.count === 0) return false;
    const plain = unmapIPv4(ip);
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/**
 * Strips the `::ffff:` prefix of an IPv4-mapped IPv6 address.
 *
 * @example
 * ```ts
 * unmapIPv4('::ffff:127.0.0.1'); // '127.0.0.1'
 * ```
 */
export function unmapIPv4(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/**
 * True for loopback addresses (127.0.0.0/8, ::1).
 *
 * @example
 * ```ts
 * isLoopback('::ffff:127.0.0.1'); // true
 * ```
 */
export function isLoopback(ip: string): boolean {
  const plain = unmapIPv4(ip);
  return plain === '::1' || plain.startsWith('127.');
}
