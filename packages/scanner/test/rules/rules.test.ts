import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES, scanString } from '@tokenwarden/scanner';
import { RULE_CASES as CORE_RULE_CASES } from './rule-cases.js';
import { CHECKED_FORMAT_RULE_CASES } from './rule-cases-checked.js';
import { PLATFORM_RULE_CASES } from './rule-cases-platforms.js';
import { PROVIDER_RULE_CASES } from './rule-cases-providers.js';

const RULE_CASES = { ...CORE_RULE_CASES, ...PLATFORM_RULE_CASES, ...CHECKED_FORMAT_RULE_CASES, ...PROVIDER_RULE_CASES };

describe('built-in rules', () => {
  it('has at least 80 rules, unique ids, each with positive and negative cases', () => {
    assert.ok(BUILTIN_RULES.length >= 80, `only ${BUILTIN_RULES.length} rules`);
    const ids = BUILTIN_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
    for (const id of ids) {
      const cases = RULE_CASES[id];
      assert.ok(cases, `no test cases for rule ${id}`);
      assert.ok(cases.positive.length > 0 && cases.negative.length > 0, `rule ${id} needs positive and negative cases`);
    }
    for (const id of Object.keys(RULE_CASES)) assert.ok(ids.includes(id), `cases for unknown rule ${id}`);
  });

  for (const [id, cases] of Object.entries(RULE_CASES)) {
    it(`${id}: reports positives, not negatives`, () => {
      cases.positive.forEach((text, i) => {
        const found = scanString(text, 'case.txt');
        assert.ok(
          found.some((f) => f.rule === id),
          `positive #${i + 1} of ${id} not reported (got ${found.map((f) => f.rule).join(', ') || 'nothing'})`,
        );
      });
      cases.negative.forEach((text, i) => {
        const found = scanString(text, 'case.txt');
        assert.ok(!found.some((f) => f.rule === id), `negative #${i + 1} of ${id} was reported`);
      });
    });
  }
});
