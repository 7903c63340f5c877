import { shannonEntropy } from '../text/entropy.js';
import { isPlaceholder } from '../text/placeholders.js';
import type { RawFinding, Rule, Validation } from '../types.js';
import type { CompiledRules } from './compile.js';
import { decodedFindings } from './decode.js';
import { linesAround, locateOffsets } from './line-index.js';
import { rulesForHit } from './prefilter.js';

/** Where a text came from, for the findings' locations. */
export interface TextOrigin {
  file: string;
  /** Scan base64 and URL-encoded blobs inside the text (default true). */
  decode?: boolean;
  /** Nesting depth of decoding; decoded text is scanned once more, never recursively. */
  depth?: number;
}

/** Findings of one text, plus non-fatal warnings (a custom rule that ran out of time). */
export interface TextScanResult {
  findings: RawFinding[];
  warnings: string[];
}

const ALLOW_MARKER = 'tokenwarden:allow';
const DEFAULT_WINDOW = { before: 32, after: 32 };
// Extra characters kept after a window so a match starting inside it is matched whole.
const WINDOW_MARGIN = 256;
const LEFT_MARGIN = 64;

interface Candidate {
  ruleIndex: number;
  start: number;
  end: number;
  secret: string;
  validation: Validation;
}

function windowsFor(text: string, hits: number[], rule: Rule): [number, number][] {
  const { before, after } = rule.window ?? DEFAULT_WINDOW;
  const out: [number, number][] = [];
  for (const p of hits) {
    let start = Math.max(0, p - before);
    // Start at the line start when it is inside the window, so ^-anchored and lookbehind
    // checks see the real line, not a cut in the middle of a token.
    const lineStart = text.lastIndexOf('\n', p - 1) + 1;
    if (lineStart > start) start = lineStart;
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

function judge(rule: Rule, secret: string, text: string, index: number, match: string, file: string): Validation {
  if (!rule.skipPlaceholderCheck && isPlaceholder(secret)) return { valid: false };
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return { valid: false };
  if (!rule.validate) return { valid: true };
  const verdict = rule.validate(secret, { text, index, match, file });
  return typeof verdict === 'boolean' ? { valid: verdict } : verdict;
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
}

const backCache = new WeakMap<Rule, { chars: RegExp; max: number }>();

// The compiled look-back class of an anchored rule, built once per rule, not once per text.
function backAnchor(rule: Rule): { chars: RegExp; max: number } | undefined {
  if (typeof rule.anchor !== 'object') return undefined;
  let back = backCache.get(rule);
  if (!back) {
    back = { chars: new RegExp(rule.anchor.back), max: rule.anchor.max };
    backCache.set(rule, back);
  }
  return back;
}

function runAnchored(
  text: string,
  rule: Rule,
  ruleIndex: number,
  hits: number[],
  budgetMs: number,
  file: string,
  out: Candidate[],
): boolean {
  const started = performance.now();
  const re = sticky(rule.pattern);
  const back = backAnchor(rule);
  let lastStart = -1;
  for (let h = 0; h < hits.length; h++) {
    const hit = hits[h] as number;
    let start = hit;
    if (back) {
      while (start > 0 && hit - start < back.max && back.chars.test(text[start - 1] as string)) start--;
    }
    if (start === lastStart) continue;
    lastStart = start;
    re.lastIndex = start;
    const m = re.exec(text);
    if (m) accept(rule, ruleIndex, m, 0, text, file, out);
    if ((h & 63) === 63 && performance.now() - started > budgetMs) return false;
  }
  return true;
}

function runRule(text: string, rule: Rule, ruleIndex: number, hits: number[], budgetMs: number, file: string, out: Candidate[]): boolean {
  if (rule.anchor) return runAnchored(text, rule, ruleIndex, hits, budgetMs, file, out);
  const started = performance.now();
  const pattern = global(rule.pattern);
  for (const [ws, we] of windowsFor(text, hits, rule)) {
    // A little context before the window too, so lookbehind boundaries see the real text.
    const from = Math.max(0, ws - LEFT_MARGIN);
    const slice = text.slice(from, Math.min(text.length, we + WINDOW_MARGIN));
    const limit = we - from;
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

/**
 * Scans one text with the compiled rules: the keyword prefilter finds candidate positions, each
 * triggered rule runs only on windows around its hits, candidates pass the placeholder, entropy
 * and rule-specific checks, inline `tokenwarden:allow` lines are skipped, and overlapping matches
 * keep the most specific rule. Base64 and URL-encoded blobs are decoded and scanned once.
 *
 * @example
 * ```ts
 * const { findings } = scanText(source, compileRules(BUILTIN_RULES), { file: 'app.ts' });
 * ```
 */
export function scanText(text: string, compiled: CompiledRules, origin: TextOrigin): TextScanResult {
  const { rules, prefilter } = compiled;
  const hitsByRule = new Map<number, number[]>();
  for (const i of prefilter.alwaysOn) hitsByRule.set(i, [0]);
  const re = prefilter.regex;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    for (const { rule: i, offset } of rulesForHit(prefilter, m[0])) {
      const at = m.index + offset;
      const list = hitsByRule.get(i);
      if (list) list.push(at);
      else hitsByRule.set(i, [at]);
    }
  }
  const warnings: string[] = [];
  const candidates: Candidate[] = [];
  for (const [i, hits] of [...hitsByRule.entries()].sort((a, b) => a[0] - b[0])) {
    const rule = rules[i] as Rule;
    // Keyword-less rules get the whole text as one window.
    const ruleForWindows = prefilter.alwaysOn.includes(i) ? { ...rule, window: { before: 0, after: text.length } } : rule;
    if (!runRule(text, ruleForWindows, i, hits, compiled.ruleTimeBudgetMs, origin.file, candidates)) {
      warnings.push(`${origin.file}: rule ${rule.id} exceeded its ${compiled.ruleTimeBudgetMs} ms budget and was stopped for this file`);
    }
  }
  candidates.sort((a, b) => a.ruleIndex - b.ruleIndex || a.start - b.start);
  const accepted: Candidate[] = [];
  for (const c of candidates) {
    if (accepted.some((a) => c.start < a.end && a.start < c.end)) continue;
    const { line, previous } = linesAround(text, c.start);
    if (line.includes(ALLOW_MARKER) || previous.includes(ALLOW_MARKER)) continue;
    accepted.push(c);
  }
  const positions = locateOffsets(
    text,
    accepted.map((c) => c.start),
  );
  const findings: RawFinding[] = accepted.map((c, k) => {
    const rule = rules[c.ruleIndex] as Rule;
    const pos = positions[k] as { line: number; column: number };
    const v = c.validation;
    return {
      rule: rule.id,
      description: rule.description,
      file: origin.file,
      line: pos.line,
      column: pos.column,
      secret: c.secret,
      severity: v.severity ?? rule.severity,
      confidence: v.confidence ?? rule.confidence ?? 'medium',
      ...(v.details ? { details: v.details } : {}),
    };
  });
  if (origin.decode !== false && (origin.depth ?? 0) === 0) {
    const nested = decodedFindings(text, (decoded) => scanText(decoded, compiled, { file: origin.file, depth: 1 }));
    const seen = new Set(findings.map((f) => `${f.rule}:${f.line}:${f.secret}`));
    for (const f of nested.findings) {
      const key = `${f.rule}:${f.line}:${f.secret}`;
      if (!seen.has(key)) {
        seen.add(key);
        findings.push(f);
      }
    }
    warnings.push(...nested.warnings);
  }
  return { findings, warnings };
}
