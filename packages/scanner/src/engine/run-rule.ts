import { shannonEntropy } from '../text/entropy.js';
import { isPlaceholder } from '../text/placeholders.js';
import type { Rule, Validation } from '../types.js';

/** A match that passed its rule's checks, before overlap and allow-comment filtering. */
export interface Candidate {
  ruleIndex: number;
  start: number;
  end: number;
  secret: string;
  validation: Validation;
  /**
   * A match of a checksummed format that failed its rule's checks: not reported, but its text is
   * claimed so that no later (generic) rule reports it either.
   */
  claimOnly?: boolean;
}

const DEFAULT_WINDOW = { before: 32, after: 32 };
// Extra characters kept after a window so a match starting inside it is matched whole.
const WINDOW_MARGIN = 256;
const LEFT_MARGIN = 64;

function windowsFor(text: string, hits: number[], rule: Rule): [number, number][] {
  const { before, after } = rule.window ?? DEFAULT_WINDOW;
  const out: [number, number][] = [];
  for (const p of hits) {
    let start = Math.max(0, p - before);
    // Start at the line start when it is inside the window, so ^-anchored and lookbehind
    // checks see the real line, not a cut in the middle of a token. Only the window is searched
    // for it (lastIndexOf went back to the line start: quadratic on a long minified line).
    for (let k = Math.max(p - 1, 0); k >= start; k--) {
      if (text.charCodeAt(k) === 0x0a) {
        start = k + 1;
        break;
      }
    }
    const end = Math.min(text.length, p + after);
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

function secretOf(m: RegExpExecArray, rule: Rule): { secret: string; offset: number } | undefined {
  let secret: string | undefined;
  if (rule.secretGroup !== undefined) secret = m[rule.secretGroup];
  else secret = m.slice(1).find((g) => g !== undefined) ?? m[0];
  if (!secret) return undefined;
  const within = m[0].lastIndexOf(secret);
  return { secret, offset: m.index + Math.max(0, within) };
}

// Every check must pass, and each is a pure test, so the order only decides the cost: the rule's
// own checks first, as they reject most of the candidates of the busy rules (generic names
// assigned an identifier or a member expression) before the placeholder check's dozen patterns.
function judge(rule: Rule, secret: string, text: string, index: number, match: string, file: string): Validation {
  let verdict: Validation = { valid: true };
  if (rule.validate) {
    let v: boolean | Validation;
    try {
      v = rule.validate(secret, { text, index, match, file });
    } catch {
      // A candidate its validator cannot judge (hostile bytes built to make it throw) is reported, at low
      // confidence, rather than lost: a throw must never hide it, nor the rest of the file with it.
      v = { valid: true, confidence: 'low', details: { validation: 'failed' } };
    }
    verdict = typeof v === 'boolean' ? { valid: v } : v;
    if (!verdict.valid) return verdict;
  }
  if (!rule.skipPlaceholderCheck && isPlaceholder(secret)) return { valid: false };
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return { valid: false };
  return verdict;
}

const stickyCache = new WeakMap<RegExp, RegExp>();
const globalCache = new WeakMap<RegExp, RegExp>();

function sticky(pattern: RegExp): RegExp {
  let re = stickyCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}y`);
    stickyCache.set(pattern, re);
  }
  return re;
}

function global(pattern: RegExp): RegExp {
  let re = globalCache.get(pattern);
  if (!re) {
    re = pattern.flags.includes('g') ? new RegExp(pattern.source, pattern.flags) : new RegExp(pattern.source, `${pattern.flags}g`);
    globalCache.set(pattern, re);
  }
  return re;
}

function accept(rule: Rule, ruleIndex: number, m: RegExpExecArray, base: number, text: string, file: string, out: Candidate[]): void {
  const found = secretOf(m, rule);
  if (!found) return;
  const start = base + found.offset;
  const validation = judge(rule, found.secret, text, base + m.index, m[0], file);
  if (validation.valid) out.push({ ruleIndex, start, end: start + found.secret.length, secret: found.secret, validation });
  else if (rule.checksummed)
    out.push({ ruleIndex, start, end: start + found.secret.length, secret: found.secret, validation, claimOnly: true });
}

/** An anchored rule's name class (a table for ASCII, the RegExp for the rest) and its checks. */
interface BackAnchor {
  ascii: Uint8Array;
  chars: RegExp;
  max: number;
  /** Sticky: what must follow the run of name characters holding the keyword. */
  followedBy: RegExp | undefined;
  /** The same test over ASCII bytes, when the rule has one. */
  followedByBytes: ((bytes: Uint8Array, at: number) => boolean) | undefined;
}

const backCache = new WeakMap<Rule, BackAnchor>();
// Past this many name characters after a hit, the `followedBy` check is skipped (the pattern decides).
const MAX_FORWARD = 256;

// The compiled look-back class of an anchored rule, built once per rule, not once per text: a
// table lookup per character instead of a RegExp test (the walk runs on every generic-rule hit).
function backAnchor(rule: Rule): BackAnchor | undefined {
  if (typeof rule.anchor !== 'object') return undefined;
  let back = backCache.get(rule);
  if (!back) {
    const chars = new RegExp(rule.anchor.back);
    const ascii = new Uint8Array(128);
    for (let c = 0; c < 128; c++) ascii[c] = chars.test(String.fromCharCode(c)) ? 1 : 0;
    // Matched as the pattern is: case-insensitively when it is.
    const flags = rule.pattern.flags.includes('i') ? 'iy' : 'y';
    const followedBy = rule.anchor.followedBy === undefined ? undefined : new RegExp(rule.anchor.followedBy, flags);
    back = { ascii, chars, max: rule.anchor.max, followedBy, followedByBytes: rule.anchor.followedByBytes };
    backCache.set(rule, back);
  }
  return back;
}

function isBackChar(back: BackAnchor, code: number): boolean {
  return code < 128 ? back.ascii[code] === 1 : back.chars.test(String.fromCharCode(code));
}

// False when the name holding the hit is not followed by what the rule requires (`token(` in
// `getToken()` is no assignment): one sticky test instead of the full pattern's backtracking.
// On a false answer from the bytes, `walked.end` is where the name ended (-1 otherwise).
function followedByHolds(back: BackAnchor, text: string, hit: number, bytes: Uint8Array | undefined, walked: { end: number }): boolean {
  walked.end = -1;
  if (back.followedBy === undefined) return true;
  // The hottest loop of the rules (every name hit): the table in a local, one bound per step, on
  // the ASCII bytes when there are (a string sliced from a larger one reads slower per character).
  const { ascii } = back;
  const limit = Math.min(text.length, hit + MAX_FORWARD + 1);
  let end = hit;
  if (bytes) {
    while (end < limit && ascii[bytes[end] as number] === 1) end++;
    if (end - hit > MAX_FORWARD) return true;
    if (back.followedByBytes) {
      if (back.followedByBytes(bytes, end)) return true;
      walked.end = end;
      return false;
    }
  } else {
    while (end < limit && isBackChar(back, text.charCodeAt(end))) end++;
  }
  if (end - hit > MAX_FORWARD) return true;
  back.followedBy.lastIndex = end;
  return back.followedBy.test(text);
}

/** One rule to run on one text: where its keywords hit, its time budget, where candidates go. */
export interface RuleRun {
  text: string;
  /** The ASCII bytes `text` was made from, when it was: read instead of the string's characters. */
  bytes?: Uint8Array;
  rule: Rule;
  ruleIndex: number;
  /** Keyword hit offsets, ascending. */
  hits: number[];
  /**
   * Where the rule's `startsWith` literal occurs, ascending (every occurrence in `text`), or its
   * hits moved back by `keywordAt`: the only places its matches can start. Without it the
   * pattern searches its windows.
   */
  starts?: readonly number[];
  budgetMs: number;
  file: string;
  out: Candidate[];
}

function runAnchored({ text, bytes, rule, ruleIndex, hits, budgetMs, file, out }: RuleRun): boolean {
  const started = performance.now();
  const re = sticky(rule.pattern);
  const back = backAnchor(rule);
  const { mustContain } = rule;
  const within = rule.mustContainWithin ?? Number.POSITIVE_INFINITY;
  // The first occurrence of `mustContain` at or after `searchedFrom` (-1: none): still the first
  // one from any start between the two, so in-order starts search each part of the text once.
  let searchedFrom = Number.POSITIVE_INFINITY;
  let nextMust = -1;
  let lastStart = -1;
  // A hit inside the name run of a hit the bytes rejected ends at the same place: rejected too.
  const walked = { end: -1 };
  let rejectedBefore = -1;
  for (let h = 0; h < hits.length; h++) {
    const hit = hits[h] as number;
    let start = hit;
    if (back) {
      if (hit < rejectedBefore) continue;
      if (!followedByHolds(back, text, hit, bytes, walked)) {
        rejectedBefore = walked.end;
        continue;
      }
      if (bytes) while (start > 0 && hit - start < back.max && back.ascii[bytes[start - 1] as number] === 1) start--;
      else while (start > 0 && hit - start < back.max && isBackChar(back, text.charCodeAt(start - 1))) start--;
    }
    if (start === lastStart) continue;
    lastStart = start;
    if (mustContain !== undefined) {
      if (start < searchedFrom || (nextMust !== -1 && start > nextMust)) {
        searchedFrom = start;
        nextMust = text.indexOf(mustContain, start);
      }
      if (nextMust === -1 || nextMust - start > within) continue;
    }
    re.lastIndex = start;
    const m = re.exec(text);
    if (m) accept(rule, ruleIndex, m, 0, text, file, out);
    if ((h & 63) === 63 && performance.now() - started > budgetMs) return false;
  }
  return true;
}

// The matches the global search of `slice` from its beginning finds up to `limit` (in order, each
// search going on from the end of the match before), found by trying the sticky pattern only at
// the `starts` (text offsets from `starts[first]` on), where every match begins. False when the
// time budget ran out.
function matchAtStarts(
  re: RegExp,
  slice: string,
  from: number,
  limit: number,
  starts: readonly number[],
  first: number,
  onMatch: (m: RegExpExecArray) => void,
  started: number,
  budgetMs: number,
): boolean {
  let next = 0;
  for (let k = first; k < starts.length; k++) {
    const at = (starts[k] as number) - from;
    if (at > limit) break;
    if (at < next) continue;
    re.lastIndex = at;
    const m = re.exec(slice);
    if (m === null) continue;
    next = at + Math.max(1, m[0].length);
    onMatch(m);
    if (performance.now() - started > budgetMs) return false;
  }
  return true;
}

/**
 * Runs one rule on the windows around its keyword hits (or once per hit for anchored rules),
 * appending the candidates that pass its checks to `out`. Returns false when the rule ran out of
 * its time budget and was stopped for this text.
 *
 * @example
 * ```ts
 * runRule({ text, rule, ruleIndex: 3, hits: [10, 200], budgetMs: 250, file: 'a.ts', out: candidates });
 * ```
 */
export function runRule(run: RuleRun): boolean {
  if (run.rule.anchor) return runAnchored(run);
  const { text, rule, ruleIndex, hits, budgetMs, file, out, starts } = run;
  const started = performance.now();
  const pattern = global(rule.pattern);
  const atStart = starts === undefined ? undefined : sticky(rule.pattern);
  let first = 0; // the first start at or after the current slice's beginning
  const { mustContain } = rule;
  // The first place at or after the current window's start where `mustContain` occurs: windows
  // come in order, so each part of the text is searched once.
  let nextMust = -1;
  for (const [ws, we] of windowsFor(text, hits, rule)) {
    // A little context before the window too, so lookbehind boundaries see the real text.
    const from = Math.max(0, ws - LEFT_MARGIN);
    const to = Math.min(text.length, we + WINDOW_MARGIN);
    if (mustContain !== undefined) {
      if (nextMust < from) nextMust = text.indexOf(mustContain, from);
      if (nextMust === -1) break; // not in the rest of the text: no window further on holds a match
      if (nextMust + mustContain.length > to) continue;
    }
    const slice = text.slice(from, to);
    const limit = we - from;
    if (starts !== undefined && atStart !== undefined) {
      while (first < starts.length && (starts[first] as number) < from) first++;
      if (
        !matchAtStarts(
          atStart,
          slice,
          from,
          limit,
          starts,
          first,
          (m) => accept(rule, ruleIndex, m, from, text, file, out),
          started,
          budgetMs,
        )
      ) {
        return false;
      }
      continue;
    }
    pattern.lastIndex = 0;
    for (let m = pattern.exec(slice); m !== null; m = pattern.exec(slice)) {
      if (m[0].length === 0) pattern.lastIndex++;
      if (m.index > limit) break;
      accept(rule, ruleIndex, m, from, text, file, out);
      if (performance.now() - started > budgetMs) return false;
    }
  }
  return true;
}
