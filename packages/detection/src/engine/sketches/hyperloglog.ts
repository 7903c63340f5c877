import { mix32 } from './hash.js';

/**
 * HyperLogLog over a slice of a `Uint8Array` (one byte per register), so many small sketches can share one
 * buffer. `registers` must be a power of two (64 registers ≈ 13% error, enough for "how many distinct IPs").
 *
 * @example
 * ```ts
 * const regs = new Uint8Array(64);
 * hllAdd(regs, 0, 64, hashString('10.0.0.1'));
 * hllEstimate(regs, 0, 64); // ≈ 1
 * ```
 */
export function hllAdd(regs: Uint8Array, offset: number, registers: number, hash: number): boolean {
  const h = mix32(hash);
  const bits = 31 - Math.clz32(registers);
  const index = h >>> (32 - bits);
  const rest = (h << bits) >>> 0;
  const rank = rest === 0 ? 32 - bits + 1 : Math.clz32(rest) + 1;
  const at = offset + index;
  if (rank > regs[at]!) {
    regs[at] = rank;
    return true;
  }
  return false;
}

/** HyperLogLog bias constant for `registers` registers. */
function hllAlpha(registers: number): number {
  return registers === 16 ? 0.673 : registers === 32 ? 0.697 : registers === 64 ? 0.709 : 0.7213 / (1 + 1.079 / registers);
}

/**
 * Estimate from the two aggregates of a register set: `sum` of `2^-rank` over the registers and the number of
 * `zeros` (with linear counting for small cardinalities). Lets a caller that keeps both aggregates up to date
 * (see {@link HllCounter}) estimate in O(1) instead of re-reading every register.
 *
 * @example
 * ```ts
 * hllEstimateFrom(64, 64, 64); // 0: an empty 64-register sketch
 * ```
 */
export function hllEstimateFrom(sum: number, zeros: number, registers: number): number {
  const raw = (hllAlpha(registers) * registers * registers) / sum;
  if (raw <= 2.5 * registers && zeros > 0) return Math.round(registers * Math.log(registers / zeros));
  return Math.round(raw);
}

/**
 * Estimated distinct count of a HyperLogLog slice (with linear counting for small cardinalities).
 *
 * @example
 * ```ts
 * const n = hllEstimate(regs, 0, 64);
 * ```
 */
export function hllEstimate(regs: Uint8Array, offset: number, registers: number): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < registers; i++) {
    const r = regs[offset + i]!;
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  return hllEstimateFrom(sum, zeros, registers);
}

/**
 * A whole-array HyperLogLog that keeps its estimate current in O(1) per add: the sum of `2^-rank` and the
 * count of empty registers are updated as registers rise (every term is a power of two, so the running sum is
 * exact and equals a full recount). For hot org-wide counters that are read on every event.
 *
 * @example
 * ```ts
 * const c = new HllCounter(new Uint8Array(128));
 * c.add(hashString('alice'));
 * c.estimate; // 1
 * ```
 */
export class HllCounter {
  readonly regs: Uint8Array;
  /** Current estimate (kept up to date by {@link HllCounter.add}). */
  estimate = 0;
  private sum: number;
  private zeros: number;
  private readonly bits: number;

  /** Wraps `regs` (which may already hold registers, e.g. from a snapshot). */
  constructor(regs: Uint8Array) {
    this.regs = regs;
    this.bits = 31 - Math.clz32(regs.length);
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < regs.length; i++) {
      sum += 2 ** -regs[i]!;
      if (regs[i] === 0) zeros++;
    }
    this.sum = sum;
    this.zeros = zeros;
    this.estimate = hllEstimateFrom(sum, zeros, regs.length);
  }

  /** Add a hashed item; true when a register rose (the estimate may have changed). Same registers as {@link hllAdd}. */
  add(hash: number): boolean {
    const h = mix32(hash);
    const bits = this.bits;
    const index = h >>> (32 - bits);
    const rest = (h << bits) >>> 0;
    const rank = rest === 0 ? 32 - bits + 1 : Math.clz32(rest) + 1;
    const old = this.regs[index]!;
    if (rank <= old) return false;
    this.regs[index] = rank;
    this.sum += 2 ** -rank - 2 ** -old;
    if (old === 0) this.zeros--;
    this.estimate = hllEstimateFrom(this.sum, this.zeros, this.regs.length);
    return true;
  }
}
