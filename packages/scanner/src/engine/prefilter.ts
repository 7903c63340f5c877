import type { Rule } from '../types.js';

/** Rules grouped behind one keyword alternation. */
export interface Prefilter {
  /** One global RegExp: the alternation of every keyword, longest first. */
  regex: RegExp;
  /** For a keyword as matched (lower-cased unless case-sensitive), the indices of rules it triggers. */
  rulesByKeyword: Map<string, number[]>;
  /** Rules without keywords run on every text (custom rules may omit keywords). */
  alwaysOn: number[];
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

// Case-insensitive literal as a case-sensitive pattern, so that case-sensitive and insensitive
// keywords can share ONE regex (Node 20's V8 has no inline (?i:) modifier).
function caseless(keyword: string): string {
  let out = '';
  for (const ch of keyword) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    out += lo === up ? escapeRegex(ch) : `[${lo}${up}]`;
  }
  return out;
}

/**
 * Compiles the keyword prefilter: one V8 RegExp alternation of all rules' keywords. A hit on a
 * keyword also triggers the rules of every other keyword it contains (a shorter keyword inside
 * a longer one never gets its own hit, because the alternation consumes the longer match).
 *
 * @example
 * ```ts
 * const pf = buildPrefilter(BUILTIN_RULES);
 * pf.regex.test('token = ghp_...'); // true
 * ```
 */
export function buildPrefilter(rules: readonly Rule[]): Prefilter {
  const keyOf = (kw: string, caseSensitive: boolean): string => (caseSensitive ? `=${kw}` : kw.toLowerCase());
  const direct = new Map<string, Set<number>>();
  const alwaysOn: number[] = [];
  rules.forEach((rule, i) => {
    if (rule.keywords.length === 0) alwaysOn.push(i);
    for (const kw of rule.keywords) {
      const key = keyOf(kw, rule.keywordsCaseSensitive === true);
      const set = direct.get(key) ?? new Set<number>();
      set.add(i);
      direct.set(key, set);
    }
  });
  const keys = [...direct.keys()].sort((a, b) => b.length - a.length);
  const rulesByKeyword = new Map<string, number[]>();
  for (const key of keys) {
    const text = key.startsWith('=') ? key.slice(1) : key;
    const all = new Set<number>();
    for (const other of keys) {
      const otherText = other.startsWith('=') ? other.slice(1) : other;
      const contained = other.startsWith('=') ? text.includes(otherText) : text.toLowerCase().includes(otherText);
      if (contained) for (const r of direct.get(other) ?? []) all.add(r);
    }
    rulesByKeyword.set(
      key,
      [...all].sort((a, b) => a - b),
    );
  }
  const source = keys.map((k) => (k.startsWith('=') ? escapeRegex(k.slice(1)) : caseless(k))).join('|');
  return { regex: new RegExp(source || '(?!)', 'g'), rulesByKeyword, alwaysOn };
}

/**
 * Looks up the rules triggered by one prefilter match.
 *
 * @example
 * ```ts
 * rulesForHit(pf, 'GHP_'); // indices of the GitHub rules
 * ```
 */
export function rulesForHit(pf: Prefilter, matched: string): number[] {
  return pf.rulesByKeyword.get(`=${matched}`) ?? pf.rulesByKeyword.get(matched.toLowerCase()) ?? [];
}
