/**
 * IPv4 as an unsigned 32-bit integer, or -1 when the text is not a dotted quad.
 *
 * @example
 * ```ts
 * ipv4ToInt('1.0.0.1'); // 16777217
 * ```
 */
export function ipv4ToInt(ip: string): number {
  return dottedQuadToInt(ip, false);
}

/**
 * IPv4 as an unsigned 32-bit integer when the text is a dotted quad exactly as `net.isIP` accepts it (four
 * decimal parts 0-255, no leading zeros, nothing around it), else -1. One text per address, so the number can
 * stand for the text (a cache key).
 *
 * @example
 * ```ts
 * canonicalIpv4ToInt('1.0.0.1'); // 16777217
 * canonicalIpv4ToInt('01.0.0.1'); // -1
 * ```
 */
export function canonicalIpv4ToInt(s: string): number {
  return dottedQuadToInt(s, true);
}

// Four decimal parts of 1-3 digits, each 0-255, joined by dots; `canonical` also refuses a part
// with a leading zero (`01`), which net.isIP refuses and range tables may still write.
function dottedQuadToInt(ip: string, canonical: boolean): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || octet > 255) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3 && !(canonical && digits === 1 && octet === 0)) {
      octet = octet * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || octet > 255) return -1;
  return value * 256 + octet;
}

/**
 * The upper 64 bits of an IPv6 address (the routing prefix, all ASN data needs), or undefined.
 *
 * @example
 * ```ts
 * ipv6High64('2001:db8::1'); // 0x20010db800000000n
 * ```
 */
export function ipv6High64(ip: string): bigint | undefined {
  const groups = expandIpv6(ip);
  if (!groups) return undefined;
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 16n) | BigInt(groups[i] as number);
  return v;
}

function expandIpv6(ip: string): number[] | undefined {
  let s = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = ipv4ToInt(dotted[1] as string);
    if (v4 < 0) return undefined;
    s = `${s.slice(0, dotted.index)}${((v4 >>> 16) & 0xffff).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0] as string);
  const tail = halves.length === 2 ? parse(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    out.push(Number.parseInt(g, 16));
  }
  return out.length === 8 ? out : undefined;
}
