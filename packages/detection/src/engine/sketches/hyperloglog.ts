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
  const alpha = registers === 16 ? 0.673 : registers === 32 ? 0.697 : registers === 64 ? 0.709 : 0.7213 / (1 + 1.079 / registers);
  const raw = (alpha * registers * registers) / sum;
  if (raw <= 2.5 * registers && zeros > 0) return Math.round(registers * Math.log(registers / zeros));
  return Math.round(raw);
}
