import { BlockList, isIP } from 'node:net';
import { TokenWardenError } from '@tokenwarden/core';

/**
 * Validates and normalises a CIDR allowlist (`10.0.0.0/8`, `2001:db8::/32`, or a bare address).
 * Throws TW_USAGE naming the offending entry.
 *
 * @example
 * ```ts
 * parseCidrList(['10.0.0.0/8', '192.0.2.7']); // ['10.0.0.0/8', '192.0.2.7/32']
 * ```
 */
export function parseCidrList(entries: readonly string[]): string[] {
  return entries.map((raw, i) => {
    const entry = raw.trim();
    const [address, prefixText] = entry.split('/');
    const family = isIP(address ?? '');
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (
      family === 0 ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > max ||
      (prefixText !== undefined && !/^\d+$/.test(prefixText))
    ) {
      throw new TokenWardenError('TW_USAGE', `CIDR entry ${i + 1} is not an address or address/prefix`, {
        hint: 'use forms like 10.0.0.0/8 or 2001:db8::/32',
      });
    }
    return `${address}/${prefix}`;
  });
}

/**
 * True when `ip` falls inside one of the (already validated) CIDR entries.
 *
 * @example
 * ```ts
 * cidrAllows(['10.0.0.0/8'], '10.1.2.3'); // true
 * ```
 */
export function cidrAllows(cidrs: readonly string[], ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  const list = new BlockList();
  for (const c of cidrs) {
    const [address, prefix] = c.split('/') as [string, string];
    list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
