import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { parseCustomRules, scanString } from '@tokenwarden/scanner';

describe('custom rules', () => {
  it('run with keywords, regex and entropy', () => {
    const rules = [{ id: 'acme-key', keywords: ['acme_'], regex: 'acme_([a-z0-9]{24})', entropy: 3, severity: 'critical' }];
    const found = scanString('k = acme_q8w7e6r5t4y3u2i1o9p0a8s7\nk2 = acme_aaaaaaaaaaaaaaaaaaaaaaaa', 'x', rules);
    assert.deepEqual(
      found.map((f) => [f.rule, f.line, f.severity]),
      [['acme-key', 1, 'critical']],
    );
  });

  it('are rejected when their regex can backtrack catastrophically, naming the rule', () => {
    assert.throws(
      () => parseCustomRules([{ id: 'evil-rule', keywords: ['x'], regex: '(a+)+$' }]),
      (e: unknown) => isErrorCode(e, 'TW_SCAN_RULE_UNSAFE') && e.message.includes('evil-rule'),
    );
  });

  it('are rejected when their id is a built-in rule’s (one id, one rule in JSON, SARIF and baselines)', () => {
    assert.throws(
      () => parseCustomRules([{ id: 'github-pat', keywords: ['ghp_'], regex: 'ghp_[a-z]{36}' }]),
      (e: unknown) => isErrorCode(e, 'TW_SCAN_RULE_INVALID') && e.message.includes('"github-pat"') && e.message.includes('built-in'),
    );
  });

  it('are rejected when malformed', () => {
    for (const bad of [[{ id: 'x y', regex: 'a' }], [{ id: 'ok', regex: '(' }], [{ id: 'ok', regex: 'a', severity: 'huge' }], 'nope']) {
      assert.throws(
        () => parseCustomRules(bad),
        (e: unknown) => isErrorCode(e, 'TW_SCAN_RULE_INVALID'),
      );
    }
  });
});
