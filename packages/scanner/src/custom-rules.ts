import { createRequire } from 'node:module';
import { TokenWardenError } from '@tokenwarden/core/formats';
import { BUILTIN_RULES } from './rules/index.js';
import { type Rule, SEVERITY_ORDER, type Severity } from './types.js';

// safe-regex2 loads with the first custom rule: scans without any (and each worker thread they
// start) skip loading it (~12 ms here).
const require = createRequire(import.meta.url);
let safeRegexCheck: typeof import('safe-regex2').default | undefined;
function isSafeRegex(pattern: RegExp): boolean {
  safeRegexCheck ??= require('safe-regex2') as typeof import('safe-regex2').default;
  return safeRegexCheck(pattern);
}

/** A user-defined rule as written in the config file (`scanner.rules` or top-level `rules`). */
export interface CustomRuleSpec {
  id: string;
  description?: string;
  /** Literal keywords for the prefilter; without any, the rule runs on every file (slower). */
  keywords?: string[];
  /** JavaScript regular expression source; the secret is capture group `secretGroup` (default 1, or the whole match). */
  regex: string;
  /** Regex flags among `i`, `m`, `s`, `u` (`g` is always added). */
  flags?: string;
  secretGroup?: number;
  /** Minimum Shannon entropy in bits per character. */
  entropy?: number;
  severity?: Severity;
}

let builtin: Set<string> | undefined;
function builtinIds(): Set<string> {
  builtin ??= new Set(BUILTIN_RULES.map((r) => r.id));
  return builtin;
}

function invalid(id: string, what: string): TokenWardenError {
  return new TokenWardenError('TW_SCAN_RULE_INVALID', `custom rule "${id}": ${what}`, {
    hint: 'each rule needs id, regex (a JavaScript regex source) and optionally keywords, entropy, severity',
  });
}

/**
 * Validates user-supplied rule specs and turns them into rules. Every regex is checked with
 * safe-regex2 for catastrophic backtracking (star height > 1) and rejected with a message naming
 * the rule. A static check cannot see every runaway pattern (`(a|aa)*b`, or `a*b` on a long line),
 * so at scan time each custom rule also runs under a hard per-file time limit that stops even one
 * runaway match, reported as a warning.
 *
 * @example
 * ```ts
 * const rules = parseCustomRules([{ id: 'acme-key', keywords: ['acme_'], regex: 'acme_[a-z0-9]{32}' }]);
 * ```
 */
export function parseCustomRules(specs: unknown): Rule[] {
  if (specs === undefined) return [];
  if (!Array.isArray(specs)) throw invalid('(rules)', 'rules must be a list');
  const ids = new Set<string>();
  return specs.map((raw, index) => {
    if (raw === null || typeof raw !== 'object') throw invalid(`#${index + 1}`, 'is not an object');
    const spec = raw as Partial<CustomRuleSpec>;
    const id = typeof spec.id === 'string' && /^[a-z0-9][a-z0-9_.-]{0,63}$/i.test(spec.id) ? spec.id : undefined;
    if (!id) throw invalid(`#${index + 1}`, 'id must be 1-64 letters, digits, dots, dashes or underscores');
    if (ids.has(id)) throw invalid(id, 'duplicate id');
    // One id, one rule: JSON, SARIF (ruleIndex) and baselines name findings by it.
    if (builtinIds().has(id)) throw invalid(id, `id is taken by a built-in rule; choose another (e.g. custom-${id})`);
    ids.add(id);
    if (typeof spec.regex !== 'string' || spec.regex.length === 0 || spec.regex.length > 2000)
      throw invalid(id, 'regex must be a non-empty string of at most 2000 characters');
    const flags = spec.flags ?? '';
    if (!/^[imsu]*$/.test(flags)) throw invalid(id, `unsupported regex flags "${flags}" (allowed: i, m, s, u)`);
    let pattern: RegExp;
    try {
      pattern = new RegExp(spec.regex, `${flags}g`);
    } catch (e) {
      throw invalid(id, `regex does not compile: ${(e as Error).message}`);
    }
    if (!isSafeRegex(pattern)) {
      throw new TokenWardenError('TW_SCAN_RULE_UNSAFE', `custom rule "${id}": regex may backtrack catastrophically (nested quantifiers)`, {
        hint: 'rewrite it without a quantified group that itself contains a quantifier, e.g. (a+)+',
      });
    }
    const keywords = spec.keywords ?? [];
    if (!Array.isArray(keywords) || keywords.some((k) => typeof k !== 'string' || k.length < 2))
      throw invalid(id, 'keywords must be strings of at least 2 characters');
    if (spec.severity !== undefined && !SEVERITY_ORDER.includes(spec.severity))
      throw invalid(id, `severity must be one of ${SEVERITY_ORDER.join(', ')}`);
    if (spec.entropy !== undefined && (typeof spec.entropy !== 'number' || spec.entropy < 0 || spec.entropy > 8))
      throw invalid(id, 'entropy must be a number of bits per character between 0 and 8');
    if (spec.secretGroup !== undefined && (!Number.isInteger(spec.secretGroup) || spec.secretGroup < 0))
      throw invalid(id, 'secretGroup must be a non-negative integer');
    const rule: Rule = {
      id,
      description: typeof spec.description === 'string' ? spec.description : `custom rule ${id}`,
      provider: 'custom',
      keywords: keywords.map((k) => k.toLowerCase()),
      pattern,
      severity: spec.severity ?? 'high',
      confidence: 'medium',
      // Custom keywords may sit anywhere in the match: give the pattern room on both sides.
      window: { before: 256, after: 256 },
      untrusted: true,
      ...(spec.secretGroup !== undefined ? { secretGroup: spec.secretGroup } : {}),
      ...(spec.entropy !== undefined ? { minEntropy: spec.entropy } : {}),
    };
    return rule;
  });
}

/**
 * Extracts the custom rule specs from a config tree: `scanner.rules` or a top-level `rules`.
 *
 * @example
 * ```ts
 * customRuleSpecs(readConfigFile('tokenwarden.yaml'));
 * ```
 */
export function customRuleSpecs(tree: Record<string, unknown>): unknown {
  const scanner = tree.scanner;
  if (scanner !== null && typeof scanner === 'object' && 'rules' in scanner) return (scanner as Record<string, unknown>).rules;
  return tree.rules;
}
