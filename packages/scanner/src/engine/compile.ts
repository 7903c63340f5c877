import type { Rule } from '../types.js';
import { buildPrefilter, type Prefilter } from './prefilter.js';

/** Rules ready to scan with: the list, their shared prefilter and the custom-rule time budget. */
export interface CompiledRules {
  rules: readonly Rule[];
  prefilter: Prefilter;
  /** Milliseconds one rule may spend on one text before it is stopped for that text. */
  ruleTimeBudgetMs: number;
}

// Prefilters of recently compiled rule lists: building one (the automaton of every keyword) costs
// ~40 ms, and a process compiles the same built-in rules for every scan, `scanString` call and
// worker batch set. A list matches when it holds the very same rule objects in the same order.
const RECENT_PREFILTERS = 4;
const recent: { rules: readonly Rule[]; prefilter: Prefilter }[] = [];

function sameRules(a: readonly Rule[], b: readonly Rule[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function prefilterOf(rules: readonly Rule[], given: Prefilter | undefined): Prefilter {
  const hit = recent.find((r) => sameRules(r.rules, rules));
  if (hit) return hit.prefilter;
  // A copy of another thread's prefilter for the same rule list, when its rule count agrees.
  const prefilter = given !== undefined && given.ruleCount === rules.length ? given : buildPrefilter(rules);
  recent.unshift({ rules: [...rules], prefilter });
  if (recent.length > RECENT_PREFILTERS) recent.pop();
  return prefilter;
}

/**
 * Compiles rules into the structure `scanText` uses. Do it once per scan, not per file; the
 * prefilter of a rule list compiled recently in this process is reused (rules are immutable).
 * `prefilter`, when given, is one built for exactly these rules elsewhere (a worker thread gets
 * its parent's): it is used instead of building another.
 *
 * @example
 * ```ts
 * const compiled = compileRules(BUILTIN_RULES);
 * ```
 */
export function compileRules(rules: readonly Rule[], ruleTimeBudgetMs = 250, prefilter?: Prefilter): CompiledRules {
  return { rules, prefilter: prefilterOf(rules, prefilter), ruleTimeBudgetMs };
}
