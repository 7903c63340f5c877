// The keyword prefilter both ways on the same bytes: the RegExp alternation of every keyword (the
// issue's "one RegExp alternation", as a trie) over the decoded text, and the Aho-Corasick
// automaton the scanner uses, over the raw bytes. Alternating rounds, best of each.
import { readFileSync } from 'node:fs';
import type { Prefilter } from '@tokenwarden/scanner';

type Scanner = typeof import('@tokenwarden/scanner');

/** MB/s of both prefilters and their hit counts on up to `maxBytes` of `files`. */
export interface PrefilterComparison {
  megabytes: number;
  regex_mb_per_s: number;
  automaton_mb_per_s: number;
  automaton_speedup: number;
  /** Matches of the RegExp (longest keyword at each leftmost position, non-overlapping). */
  regex_hits: number;
  /** Rule triggers of the automaton (every occurrence of every keyword, per rule). */
  automaton_rule_hits: number;
}

function regexPass(pf: Prefilter, texts: readonly string[]): number {
  let n = 0;
  for (const text of texts) {
    const re = pf.regex;
    re.lastIndex = 0;
    while (re.exec(text) !== null) n++;
  }
  return n;
}

/**
 * Times both prefilters over the first `maxBytes` of `files`, `rounds` alternating rounds.
 *
 * @example
 * ```ts
 * const cmp = comparePrefilters(scanner, files, 32 << 20, 3);
 * ```
 */
export function comparePrefilters(scanner: Scanner, files: readonly string[], maxBytes: number, rounds: number): PrefilterComparison {
  const pf = scanner.buildPrefilter(scanner.BUILTIN_RULES);
  const buffers: Buffer[] = [];
  let bytes = 0;
  for (const f of files) {
    if (bytes >= maxBytes) break;
    const b = readFileSync(f);
    buffers.push(b);
    bytes += b.length;
  }
  const texts = buffers.map((b) => b.toString('utf8'));
  let regexBest = Number.POSITIVE_INFINITY;
  let automatonBest = Number.POSITIVE_INFINITY;
  let regexHits = 0;
  let ruleHits = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    regexHits = regexPass(pf, texts);
    regexBest = Math.min(regexBest, performance.now() - t);
    t = performance.now();
    ruleHits = 0;
    for (const b of buffers) for (const hits of scanner.keywordHits(b, pf).values()) ruleHits += hits.length;
    automatonBest = Math.min(automatonBest, performance.now() - t);
  }
  const mb = bytes / 1048576;
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return {
    megabytes: round2(mb),
    regex_mb_per_s: round2(mb / (regexBest / 1000)),
    automaton_mb_per_s: round2(mb / (automatonBest / 1000)),
    automaton_speedup: round2(regexBest / automatonBest),
    regex_hits: regexHits,
    automaton_rule_hits: ruleHits,
  };
}
