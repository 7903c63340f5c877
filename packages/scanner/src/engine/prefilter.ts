import type { Rule } from '../types.js';

/** A rule triggered by a keyword hit, and where that rule's own keyword sits in the hit. */
export interface KeywordTrigger {
  rule: number;
  offset: number;
  /** For a case-sensitive keyword: the exact text that must be at `offset`. */
  exact?: string;
}

/** Rules grouped behind one keyword alternation. */
export interface Prefilter {
  /** One global RegExp: the alternation of every keyword (as a trie), longest match first. */
  regex: RegExp;
  /**
   * For a keyword as matched (lower-cased unless case-sensitive), the rules it triggers and the
   * offset of each rule's own keyword inside the matched one (for anchored rules).
   */
  rulesByKeyword: Map<string, KeywordTrigger[]>;
  /** Rules without keywords run on every text (custom rules may omit keywords). */
  alwaysOn: number[];
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

interface TrieNode {
  terminal: boolean;
  children: Map<string, TrieNode>;
}

/**
 * The alternation of `words` written as a trie (`s(?:ecret|k)`), so the engine dispatches on one
 * character per step instead of trying every alternative at every position: measured ~25% faster
 * than the flat longest-first alternation on the bench tree. Children are tried before a word
 * ends there, and siblings differ in their first character, so the first success is the longest
 * word at the leftmost position: the same match as the flat longest-first alternation.
 */
function trieSource(words: readonly string[]): string {
  const root: TrieNode = { terminal: false, children: new Map() };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let next = node.children.get(ch);
      if (!next) {
        next = { terminal: false, children: new Map() };
        node.children.set(ch, next);
      }
      node = next;
    }
    node.terminal = true;
  }
  const emit = (node: TrieNode): string => {
    const branches = [...node.children].map(([ch, child]) => {
      let literal = escapeRegex(ch);
      let at = child;
      // Collapse single-child chains into one literal run.
      while (!at.terminal && at.children.size === 1) {
        const [[nextCh, nextNode]] = [...at.children] as [[string, TrieNode]];
        literal += escapeRegex(nextCh);
        at = nextNode;
      }
      return literal + emit(at);
    });
    if (branches.length === 0) return '';
    const group = `(?:${branches.join('|')})`;
    return node.terminal ? `${group}?` : group;
  };
  return emit(root);
}

/**
 * Compiles the keyword prefilter: ONE case-insensitive V8 RegExp alternation of every rule's
 * keywords, written as a trie and matching the longest keyword at the leftmost position.
 * Case-sensitive keywords (`SK`) share it and are confirmed on the hit. A hit also triggers the
 * rules of every keyword it contains, with that keyword's offset, since the alternation consumes
 * the longer match.
 *
 * @example
 * ```ts
 * const pf = buildPrefilter(BUILTIN_RULES);
 * pf.regex.test('token = ghp_...'); // true
 * ```
 */
export function buildPrefilter(rules: readonly Rule[]): Prefilter {
  // keyword (as written for case-sensitive ones, lower-cased otherwise) -> rules
  const direct = new Map<string, { text: string; exact: boolean; rules: Set<number> }>();
  const alwaysOn: number[] = [];
  rules.forEach((rule, i) => {
    if (rule.keywords.length === 0) alwaysOn.push(i);
    for (const kw of rule.keywords) {
      const exact = rule.keywordsCaseSensitive === true;
      const id = exact ? `=${kw}` : kw.toLowerCase();
      const entry = direct.get(id) ?? { text: exact ? kw : kw.toLowerCase(), exact, rules: new Set<number>() };
      entry.rules.add(i);
      direct.set(id, entry);
    }
  });
  const alternatives = [...new Set([...direct.values()].map((e) => e.text.toLowerCase()))].sort((a, b) => b.length - a.length);
  const rulesByKeyword = new Map<string, KeywordTrigger[]>();
  for (const alt of alternatives) {
    const triggers: KeywordTrigger[] = [];
    for (const entry of direct.values()) {
      const at = alt.indexOf(entry.text.toLowerCase());
      if (at === -1) continue;
      for (const rule of entry.rules) triggers.push({ rule, offset: at, ...(entry.exact ? { exact: entry.text } : {}) });
    }
    rulesByKeyword.set(
      alt,
      triggers.sort((a, b) => a.rule - b.rule),
    );
  }
  const source = trieSource(alternatives);
  return { regex: new RegExp(source || '(?!)', 'gi'), rulesByKeyword, alwaysOn };
}

/**
 * Looks up the rules triggered by one prefilter match (case-sensitive keywords only when the
 * text matches them exactly).
 *
 * @example
 * ```ts
 * rulesForHit(pf, 'GHP_'); // [{ rule: 1, offset: 0 }, ...]
 * ```
 */
export function rulesForHit(pf: Prefilter, matched: string): KeywordTrigger[] {
  const triggers = pf.rulesByKeyword.get(matched.toLowerCase()) ?? [];
  if (!triggers.some((t) => t.exact !== undefined)) return triggers;
  return triggers.filter((t) => t.exact === undefined || matched.startsWith(t.exact, t.offset));
}
