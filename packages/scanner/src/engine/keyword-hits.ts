import { type Base64Blocks, forEachKeyword } from './keyword-automaton.js';
import type { Prefilter } from './prefilter.js';

/**
 * The keyword hits of `text` per triggered rule: the start offset of each of the rule's keywords,
 * ascending and without repeats, in order of rule index. Keyword-less rules get one hit at 0.
 * `blocks` collects the base64 blocks of bytes the same pass saw (see {@link forEachKeyword}), and
 * `starts` where each rule's `startsWith` literal occurs (ascending, by rule index).
 *
 * @example
 * ```ts
 * keywordHits('x = ghp_...', compileRules(BUILTIN_RULES).prefilter); // Map { 12 => [4], ... }
 * ```
 */
export function keywordHits(
  text: string | Uint8Array,
  prefilter: Prefilter,
  blocks?: Base64Blocks,
  starts?: Map<number, number[]>,
): Map<number, number[]> {
  const byRule: (number[] | undefined)[] = [];
  for (const i of prefilter.alwaysOn) byRule[i] = [0];
  forEachKeyword(
    prefilter.automaton,
    text,
    (rule, at) => {
      const list = byRule[rule];
      if (list === undefined) byRule[rule] = [at];
      else list.push(at);
    },
    blocks,
  );
  const hits = new Map<number, number[]>();
  for (let i = 0; i < byRule.length; i++) {
    const list = byRule[i];
    if (list === undefined) continue;
    // Hits come in order of keyword END: two keywords of one rule can start out of order.
    let ordered = true;
    for (let k = 1; k < list.length && ordered; k++) ordered = (list[k - 1] as number) < (list[k] as number);
    if (!ordered) {
      list.sort((a, b) => a - b);
      let w = 1;
      for (let k = 1; k < list.length; k++) if (list[k] !== list[w - 1]) list[w++] = list[k] as number;
      list.length = w;
    }
    if (i < prefilter.ruleCount) hits.set(i, list);
    else starts?.set(i - prefilter.ruleCount, list);
  }
  return hits;
}
