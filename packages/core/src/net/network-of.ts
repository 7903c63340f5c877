/**
 * The unit an address is counted as: an IPv4 address itself (an IPv4-mapped IPv6 one too), an IPv6
 * address by its /64, which one host is commonly given whole and could otherwise walk through.
 *
 * @example
 * ```ts
 * networkOf('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 * networkOf('::ffff:203.0.113.9');   // '203.0.113.9'
 * ```
 */
export function networkOf(address: string): string {
  if (!address.includes(':')) return address;
  const lower = address.toLowerCase().split('%')[0] as string;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (mapped) return mapped[1] as string;
  const [head = '', tail] = lower.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...new Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
