import { randomInt } from 'node:crypto';

/** The base62 alphabet used by every TokenWarden token format: digits, upper, lower. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Encodes a non-negative integer in base62, left-padded with `0` to `width` characters.
 *
 * @example
 * ```ts
 * encodeBase62(61, 2); // "0z"
 * ```
 */
export function encodeBase62(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('encodeBase62 takes a non-negative safe integer');
  let out = '';
  let rest = value;
  do {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  if (out.length > width) throw new RangeError(`value ${value} does not fit in ${width} base62 characters`);
  return out.padStart(width, '0');
}

/**
 * Draws `length` uniformly random base62 characters from the CSPRNG (no modulo bias).
 *
 * @example
 * ```ts
 * randomBase62(32); // "f3Kq..." (about 190 bits)
 * ```
 */
export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62_ALPHABET[randomInt(62)];
  return out;
}

/** True when every character of `s` is in the base62 alphabet. */
export function isBase62(s: string): boolean {
  return /^[0-9A-Za-z]*$/.test(s);
}
