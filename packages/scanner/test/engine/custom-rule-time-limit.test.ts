import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES, compileRules, parseCustomRules, scanText } from '@tokenwarden/scanner';

// What safe-regex2 (star height) lets through: an alternation whose branches overlap under a
// star is exponential, and an unanchored `a*b` on a long line is quadratic.
function scanWith(regex: string, keywords: string[], text: string) {
  const compiled = compileRules([...BUILTIN_RULES, ...parseCustomRules([{ id: 'slow', keywords, regex }])], 250);
  const started = performance.now();
  const result = scanText(text, compiled, { file: 'r.txt', decode: false });
  return { ...result, ms: performance.now() - started };
}

describe('custom rules under a hard time limit', () => {
  it('stop a rule backtracking catastrophically inside one match, with a warning, and the scan goes on', () => {
    // Unbounded: ~8 s with 38 a's here, more than 90 s with 48.
    const r = scanWith('acme_ (a|aa)*b', ['acme_'], `acme_ ${'a'.repeat(38)}!\n`);
    assert.ok(r.ms < 5000, `took ${Math.round(r.ms)} ms`);
    assert.deepEqual(r.warnings, ['r.txt: rule slow exceeded its 250 ms budget and was stopped for this file']);
  });

  it('stop a keyword-less rule that is quadratic on one long line', () => {
    const r = scanWith('a*b', [], 'a'.repeat(200_000));
    assert.ok(r.ms < 5000, `took ${Math.round(r.ms)} ms`);
    assert.deepEqual(r.warnings, ['r.txt: rule slow exceeded its 250 ms budget and was stopped for this file']);
  });

  it('leave a well-behaved custom rule and the built-in rules as they were', () => {
    const r = scanWith('acme_([a-z0-9]{24})', ['acme_'], 'k = acme_q8w7e6r5t4y3u2i1o9p0a8s7\n');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ['slow'],
    );
  });
});
