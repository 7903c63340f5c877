/**
 * Frequent-items sketch stored in a slice of a `Uint32Array`: `k` key slots followed by the `k` counts, 16 bits
 * each, two to a slot ({@link topKSlots} slots in all). Keys are non-zero 32-bit hashes (0 = empty). When full,
 * a new key replaces the least-counted one and inherits half its count (a space-saving variant that resists
 * churn without making newcomers sticky). Counts are halved when one saturates, so old habits fade.
 *
 * @example
 * ```ts
 * const u = new Uint32Array(topKSlots(8));
 * topKAdd(u, 0, 8, hashString('AS15169')); // 0: it was new
 * topKCount(u, 0, 8, hashString('AS15169')); // 1
 * ```
 */
export function topKAdd(u: Uint32Array, offset: number, k: number, key: number): number {
  let minAt = -1;
  let min = 0xffffffff;
  for (let i = 0; i < k; i++) {
    const slot = u[offset + i]!;
    if (slot === key) {
      const c = countAt(u, offset, k, i);
      if (c >= TOP_K_SATURATION) topKHalve(u, offset, k);
      setCount(u, offset, k, i, countAt(u, offset, k, i) + 1);
      return c;
    }
    const c = slot === 0 ? 0 : countAt(u, offset, k, i);
    if (c < min) {
      min = c;
      minAt = i;
    }
  }
  u[offset + minAt] = key;
  setCount(u, offset, k, minAt, 1 + (min >>> 1));
  return 0;
}

/**
 * Uint32 slots a top-k sketch of `k` keys takes: the keys, then their 16-bit counts two to a slot.
 *
 * @example
 * ```ts
 * topKSlots(8); // 12
 * ```
 */
export function topKSlots(k: number): number {
  return k + ((k + 1) >> 1);
}

/** Counts saturate here (16 bits) and the sketch halves itself (exponential forgetting by volume). */
export const TOP_K_SATURATION = 0xffff;

/** The count of slot `i` (16 bits of the slot after the keys). */
function countAt(u: Uint32Array, offset: number, k: number, i: number): number {
  return (u[offset + k + (i >> 1)]! >>> ((i & 1) << 4)) & 0xffff;
}

function setCount(u: Uint32Array, offset: number, k: number, i: number, c: number): void {
  const at = offset + k + (i >> 1);
  const shift = (i & 1) << 4;
  u[at] = ((u[at]! & ~(0xffff << shift)) | (c << shift)) >>> 0;
}

/**
 * How often `key` was seen (0 when it is not tracked).
 *
 * @example
 * ```ts
 * if (topKCount(u, 0, 8, key) === 0) console.log('never seen');
 * ```
 */
export function topKCount(u: Uint32Array, offset: number, k: number, key: number): number {
  for (let i = 0; i < k; i++) if (u[offset + i] === key) return countAt(u, offset, k, i);
  return 0;
}

/**
 * The count in slot `i` (0 for an empty slot), for callers walking the keys themselves (`u[offset + i]`).
 *
 * @example
 * ```ts
 * for (let i = 0; i < 8; i++) if (u[i] !== 0) console.log(u[i], topKCountAt(u, 0, 8, i));
 * ```
 */
export function topKCountAt(u: Uint32Array, offset: number, k: number, i: number): number {
  return u[offset + i] === 0 ? 0 : countAt(u, offset, k, i);
}

/**
 * Sum of tracked counts.
 *
 * @example
 * ```ts
 * const share = topKCount(u, 0, 8, key) / topKTotal(u, 0, 8);
 * ```
 */
export function topKTotal(u: Uint32Array, offset: number, k: number): number {
  let total = 0;
  for (let i = 0; i < k; i++) total += countAt(u, offset, k, i);
  return total;
}

/**
 * Number of occupied slots.
 *
 * @example
 * ```ts
 * const distinctTracked = topKSize(u, 0, 8);
 * ```
 */
export function topKSize(u: Uint32Array, offset: number, k: number): number {
  let n = 0;
  for (let i = 0; i < k; i++) if (u[offset + i] !== 0) n++;
  return n;
}

/**
 * Halve every count (slots that reach 0 are freed).
 *
 * @example
 * ```ts
 * topKHalve(u, 0, 8);
 * ```
 */
export function topKHalve(u: Uint32Array, offset: number, k: number): void {
  for (let i = 0; i < k; i++) {
    const c = countAt(u, offset, k, i) >>> 1;
    setCount(u, offset, k, i, c);
    if (c === 0) u[offset + i] = 0;
  }
}

/**
 * The tracked keys with counts, most frequent first (for alert evidence; allocates).
 *
 * @example
 * ```ts
 * topKEntries(u, 0, 8); // [{ key: 123, count: 40 }, ...]
 * ```
 */
export function topKEntries(u: Uint32Array, offset: number, k: number): Array<{ key: number; count: number }> {
  const out: Array<{ key: number; count: number }> = [];
  for (let i = 0; i < k; i++) if (u[offset + i] !== 0) out.push({ key: u[offset + i]!, count: countAt(u, offset, k, i) });
  out.sort((a, b) => b.count - a.count);
  return out;
}
