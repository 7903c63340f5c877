import { isAscii } from 'node:buffer';
import { markedFake } from '../text/fake-marker.js';
import type { RawFinding, Rule } from '../types.js';
import type { CompiledRules } from './compile.js';
import { base64RunsFromBlocks, decodedFindings, mayHoldEncoded } from './decode.js';
import { withHardLimit } from './hard-limit.js';
import type { Base64Blocks } from './keyword-automaton.js';
import { keywordHits } from './keyword-hits.js';
import { linesAround, locateOffsets } from './line-index.js';
import { type Candidate, runRule } from './run-rule.js';

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
// A line of its own that is only a comment (optionally inside a string, as a notebook's JSON keeps
// its source lines): its marker speaks for the line below. A marker after code on a line is that
// line's own, so `a = "<secret>" # tokenwarden:allow` does not also hide a secret on the next line.
const COMMENT_ONLY_LINE = /^\s*["'`]?\s*(?:#|\/\/|\/\*|\*|--|<!--|;|%|rem\b)/i;

// A comment opener where a comment can start (line start, after a space or a quote): the `//` of
// `https://` and the `;` of `a;b` open none.
const COMMENT_OPENER = /(?:^|[\s"'`])(?:#|\/\/|\/\*|--|<!--|;|%|rem\s)/i;

// The marker counts only inside a comment: in a string or a URL (`t = "<secret>tokenwarden:allow"`,
// `?q=tokenwarden:allow&t=<secret>`) it is data, and anyone could append it to hide a secret.
function allowedInline(line: string, previous: string): boolean {
  const at = line.lastIndexOf(ALLOW_MARKER);
  if (at !== -1 && COMMENT_OPENER.test(line.slice(0, at))) return true;
  return previous.includes(ALLOW_MARKER) && COMMENT_ONLY_LINE.test(previous);
}
const NO_STARTS: readonly number[] = [];

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
  const starts = new Map<number, number[]>();
  return scanWithHits(text, keywordHits(text, compiled.prefilter, undefined, starts), starts, compiled, origin);
}

/**
 * Scans the UTF-8 bytes of one file. Pure-ASCII bytes (the common case for code, checked natively)
 * go through the keyword automaton as they are, and are turned into a string only when a keyword
 * or an encoded blob is there; other bytes are decoded as UTF-8 and scanned as text. `latin1`,
 * when given, returns that string (the Latin-1 text of exactly these bytes) more cheaply than
 * decoding them here, e.g. as a slice of a string made for several files at once.
 *
 * @example
 * ```ts
 * const { findings } = scanBytes(readFileSync('app.ts'), compiled, { file: 'app.ts' });
 * ```
 */
export function scanBytes(bytes: Uint8Array, compiled: CompiledRules, origin: TextOrigin, latin1?: () => string): TextScanResult {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isAscii(buf)) return scanText(buf.toString('utf8'), compiled, origin);
  const blocks: Base64Blocks = { offsets: [], complete: false };
  const starts = new Map<number, number[]>();
  const hits = keywordHits(buf, compiled.prefilter, blocks, starts);
  const decode = origin.decode !== false && (origin.depth ?? 0) === 0;
  // The byte pass found the base64 runs' blocks (SIMD): the runs come from them, not from
  // another pass over the whole text.
  const runs = decode && blocks.complete ? base64RunsFromBlocks(buf, blocks.offsets) : undefined;
  const encoded = runs ? runs.length > 0 || buf.includes(0x25) : decode && mayHoldEncoded(buf);
  if (hits.size === 0 && !encoded) return { findings: [], warnings: [] };
  // ASCII: Latin-1 decoding gives the same string as UTF-8, at copy speed.
  return scanWithHits(latin1 ? latin1() : buf.toString('latin1'), hits, starts, compiled, origin, runs, buf);
}

// Disjoint [start, end) spans sorted by start (so by end too): whether one overlaps a new span is
// one binary search, where testing each accepted candidate was quadratic in the candidates of a
// text (a minified JSON line of thousands of "token": "..." pairs).
class Spans {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  // The last span starting before `end`, or -1.
  private lastBefore(end: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) < end) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  overlaps(start: number, end: number): boolean {
    const i = this.lastBefore(end);
    return i >= 0 && (this.ends[i] as number) > start;
  }

  /** Adds a span that overlaps none. */
  add(start: number, end: number): void {
    const at = this.lastBefore(end) + 1;
    this.starts.splice(at, 0, start);
    this.ends.splice(at, 0, end);
  }
}

// The hits moved back by `by`, those that stay in the text.
function shifted(hits: readonly number[], by: number): number[] {
  const out: number[] = [];
  for (const h of hits) if (h >= by) out.push(h - by);
  return out;
}

function scanWithHits(
  text: string,
  hitsByRule: Map<number, number[]>,
  startsByRule: Map<number, number[]>,
  compiled: CompiledRules,
  origin: TextOrigin,
  base64Runs?: readonly number[],
  bytes?: Uint8Array,
): TextScanResult {
  const { rules, prefilter } = compiled;
  const warnings: string[] = [];
  const candidates: Candidate[] = [];
  for (const [i, hits] of hitsByRule) {
    const rule = rules[i] as Rule;
    // Keyword-less rules get the whole text as one window.
    const ruleForWindows = prefilter.alwaysOn.includes(i) ? { ...rule, window: { before: 0, after: text.length } } : rule;
    const run = () =>
      runRule({
        text,
        ...(bytes ? { bytes } : {}),
        ...(rule.startsWith !== undefined ? { starts: startsByRule.get(i) ?? NO_STARTS } : {}),
        ...(rule.keywordAt !== undefined ? { starts: shifted(hits, rule.keywordAt) } : {}),
        rule: ruleForWindows,
        ruleIndex: i,
        hits,
        budgetMs: compiled.ruleTimeBudgetMs,
        file: origin.file,
        out: candidates,
      });
    if (!(rule.untrusted ? withHardLimit(compiled.ruleTimeBudgetMs, run) : run())) {
      warnings.push(`${origin.file}: rule ${rule.id} exceeded its ${compiled.ruleTimeBudgetMs} ms budget and was stopped for this file`);
    }
  }
  candidates.sort((a, b) => a.ruleIndex - b.ruleIndex || a.start - b.start);
  const accepted: Candidate[] = [];
  const taken = new Spans();
  for (const c of candidates) {
    if (taken.overlaps(c.start, c.end)) continue;
    if (c.claimOnly) {
      taken.add(c.start, c.end);
      continue;
    }
    const rule = rules[c.ruleIndex] as Rule;
    const { line, previous } = linesAround(text, c.start);
    if (allowedInline(line, previous)) continue;
    // A match of a checksummed format got here only with a valid checksum: a real credential
    // whatever its name, comment or file says (a `# fake` comment must not get a live key past
    // the pre-commit hook). The fake markers judge the checksum-less formats only.
    if (!rule.checksummed && markedFake(line, previous, c.secret, origin.file)) continue;
    accepted.push(c);
    taken.add(c.start, c.end);
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
    const nested = decodedFindings(text, (decoded) => scanText(decoded, compiled, { file: origin.file, depth: 1 }), base64Runs);
    const seen = new Set(findings.map((f) => `${f.rule}:${f.line}:${f.secret}`));
    // A secret whose raw form holds percent escapes (an Azure SAS `sig=...%3D`) is found again in
    // the URL-decoded text: the same secret, not a second one.
    for (const f of findings) {
      const unescaped = f.secret.includes('%') ? percentDecoded(f.secret) : undefined;
      if (unescaped !== undefined) seen.add(`${f.rule}:${f.line}:${unescaped}`);
    }
    const added: RawFinding[] = [];
    for (const f of nested.findings) {
      const key = `${f.rule}:${f.line}:${f.secret}`;
      if (!seen.has(key)) {
        seen.add(key);
        added.push(f);
      }
    }
    if (added.length > 0) {
      const kept = withoutEncodedCopies(findings, added, compiled);
      findings.length = 0;
      findings.push(...kept, ...added);
    }
    warnings.push(...nested.warnings);
  }
  return { findings, warnings };
}

function percentDecoded(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

// A generic rule's finding whose value is the base64 of a secret found decoded on the same line
// (`password: S3Bh...==` in a Kubernetes Secret, `token: Z2hwX...` holding a GitHub token): the
// decoded finding says it better, with the secret itself.
function withoutEncodedCopies(findings: RawFinding[], decoded: RawFinding[], compiled: CompiledRules): RawFinding[] {
  const generic = new Set(compiled.rules.filter((r) => r.provider === 'generic').map((r) => r.id));
  const byLine = new Map<number, string[]>();
  for (const f of decoded) {
    if (f.encoding !== 'base64') continue;
    const list = byLine.get(f.line);
    if (list) list.push(f.secret);
    else byLine.set(f.line, [f.secret]);
  }
  return findings.filter((f) => {
    const secrets = generic.has(f.rule) ? byLine.get(f.line) : undefined;
    if (secrets === undefined || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(f.secret)) return true;
    const plain = Buffer.from(f.secret, 'base64').toString('utf8');
    return !secrets.some((s) => plain.includes(s));
  });
}
