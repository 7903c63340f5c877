/**
 * 32-bit FNV-1a of a string, never 0 (0 marks an empty sketch slot). Fast, allocation-free, stable
 * across runs, so hashes can be persisted in snapshots.
 *
 * @example
 * ```ts
 * const h = hashString('203.0.113.7');
 * ```
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  return h === 0 ? 1 : h;
}

/**
 * Murmur3 finaliser: spreads the bits of a 32-bit value so HyperLogLog register choice and rank are independent.
 *
 * @example
 * ```ts
 * const spread = mix32(hashString('x'));
 * ```
 */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Continue an FNV-1a hash with more text: `hashWith(hashString(a), b)` identifies the pair (a, b)
 * without concatenating strings.
 *
 * @example
 * ```ts
 * const city = hashWith(hashString('DE'), 'Berlin');
 * ```
 */
export function hashWith(seed: number, s: string): number {
  let h = Math.imul(seed ^ 0x2f, 0x01000193);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  return h === 0 ? 1 : h;
}

/**
 * Hash of the provider behind an AS organisation name: its first word, lower-cased (`AMAZON-02` and
 * `AMAZON-AES` are both Amazon; `GOOGLE-CLOUD-PLATFORM` is Google). Two networks of one provider are one
 * organisation for travel and concurrency checks. A first word of one or two characters takes in what follows
 * it until the key has three (`AT&T Enterprises` is `at&t`, `T-Mobile USA` is `t-mobile`, `O2 Deutschland` is
 * `o2 deutschland`): carriers with short names are the ones whose addresses hop most. Returns 0 for a name with
 * no letter or digit.
 *
 * @example
 * ```ts
 * providerHash('AMAZON-02') === providerHash('AMAZON-AES'); // true
 * providerHash('AT&T Services, Inc.') === providerHash('AT&T Enterprises, LLC'); // true
 * ```
 */
export function providerHash(asOrg: string): number {
  let h = 0x811c9dc5;
  let n = 0;
  let joiner = 0;
  for (let i = 0; i < asOrg.length; i++) {
    let c = asOrg.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    const alnum = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (!alnum) {
      if (n === 0) continue;
      if (n >= 3) break;
      // A short word goes on into the next one through one joiner (`&`, `-`, a space; `,` or `.` end the name).
      if (joiner !== 0 || (c !== 38 && c !== 45 && c !== 32)) break;
      joiner = c;
      continue;
    }
    if (joiner !== 0) {
      h ^= joiner;
      h = Math.imul(h, 0x01000193);
      joiner = 0;
    }
    h ^= c;
    h = Math.imul(h, 0x01000193);
    n++;
  }
  if (n === 0) return 0;
  h >>>= 0;
  return h === 0 ? 1 : h;
}
