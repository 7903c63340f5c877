import { mix32 } from './hash.js';

/**
 * Membership of a bit set held in a slice of a `Uint8Array` (`bytes * 8` bits, 3 probes by double hashing).
 * "Has this credential ever called this operation / touched this resource?" with no false negatives; a
 * 128-byte filter holding 200 items answers "yes" wrongly about 5% of the time, which only hides novelty.
 *
 * @example
 * ```ts
 * const b = new Uint8Array(64);
 * bloomAdd(b, 0, 64, hashString('s3:GetObject'));
 * bloomHas(b, 0, 64, hashString('s3:GetObject')); // true
 * ```
 */
export function bloomAdd(b: Uint8Array, offset: number, bytes: number, hash: number): void {
  const bits = bytes * 8;
  const h1 = hash >>> 0;
  const h2 = mix32(hash) | 1;
  for (let i = 0; i < 3; i++) {
    const bit = ((h1 + Math.imul(i, h2)) >>> 0) % bits;
    b[offset + (bit >>> 3)] = b[offset + (bit >>> 3)]! | (1 << (bit & 7));
  }
}

/**
 * True when the hash may have been added (false: certainly never added).
 *
 * @example
 * ```ts
 * if (!bloomHas(b, 0, 64, key)) console.log('first time');
 * ```
 */
export function bloomHas(b: Uint8Array, offset: number, bytes: number, hash: number): boolean {
  const bits = bytes * 8;
  const h1 = hash >>> 0;
  const h2 = mix32(hash) | 1;
  for (let i = 0; i < 3; i++) {
    const bit = ((h1 + Math.imul(i, h2)) >>> 0) % bits;
    if ((b[offset + (bit >>> 3)]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}
