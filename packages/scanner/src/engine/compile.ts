import type { Rule } from '../types.js';
import { buildPrefilter, type Prefilter } from './prefilter.js';

/** Rules ready to scan with: the list, their shared prefilter and the custom-rule time budget. */
export interface CompiledRules {
  rules: readonly Rule[];
  prefilter: Prefilter;
  /** Milliseconds one rule may spend on one text before it is stopped for that text. */
  ruleTimeBudgetMs: number;
}

/**
 * Compiles rules into the structure `scanText` uses. Do it once per scan, not per file.
 *
 * @example
 * ```ts
 * const compiled = compileRules(BUILTIN_RULES);
 * ```
 */
export function compileRules(rules: readonly Rule[], ruleTimeBudgetMs = 250): CompiledRules {
  return { rules, prefilter: buildPrefilter(rules), ruleTimeBudgetMs };
}
