/**
 * Shannon entropy of a string in bits per character. Random base62 of length 40 scores about
 * 5.0, English words about 3.5, `aaaaaaaa` zero: the generic rules use it to tell keys from prose.
 *
 * @example
 * ```ts
 * shannonEntropy('aaaa'); // 0
 * shannonEntropy('abcd'); // 2
 * ```
 */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Which character classes a string mixes (lower, upper, digit, symbol); random secrets mix at
 * least two, identifiers and words usually one.
 *
 * @example
 * ```ts
 * charClasses('aB3'); // 3
 * ```
 */
export function charClasses(value: string): number {
  let n = 0;
  if (/[a-z]/.test(value)) n++;
  if (/[A-Z]/.test(value)) n++;
  if (/[0-9]/.test(value)) n++;
  if (/[^A-Za-z0-9]/.test(value)) n++;
  return n;
}
