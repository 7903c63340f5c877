/**
 * A small seeded pseudo-random generator (mulberry32) for what must repeat from a seed: fuzz
 * cases that can be replayed, benchmark inputs, demo history. Not for anything secret (use
 * `node:crypto`), and not for the simulator, which needs independent streams per actor (its `Rng`).
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // a number in [0, 1), the same sequence for seed 42 on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
