import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { BUILTIN_RULES, buildPrefilter, parseCustomRules, scanString } from '@tokenwarden/scanner';

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

  it('are rejected when malformed', () => {
    for (const bad of [[{ id: 'x y', regex: 'a' }], [{ id: 'ok', regex: '(' }], [{ id: 'ok', regex: 'a', severity: 'huge' }], 'nope']) {
      assert.throws(
        () => parseCustomRules(bad),
        (e: unknown) => isErrorCode(e, 'TW_SCAN_RULE_INVALID'),
      );
    }
  });
});

describe('keyword prefilter', () => {
  it('is one RegExp over every keyword, case-insensitive unless a rule asks otherwise', () => {
    const pf = buildPrefilter(BUILTIN_RULES);
    assert.ok(pf.regex instanceof RegExp);
    pf.regex.lastIndex = 0;
    assert.ok(pf.regex.test('export AWS_SECRET_ACCESS_KEY=...'));
    pf.regex.lastIndex = 0;
    assert.ok(!pf.regex.test('plain prose with nothing of interest'));
  });

  it('finds the same hits as a flat longest-first alternation of the keywords', () => {
    const pf = buildPrefilter(BUILTIN_RULES);
    const keywords = [...pf.rulesByKeyword.keys()].sort((a, b) => b.length - a.length);
    const flat = new RegExp(keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'), 'gi');
    const text = [
      'export AWS_SECRET_ACCESS_KEY=abc; secret_access_key secretaccesskey SECRET',
      'postgres://u:p@h mongodb+srv://x sk-ant-api03-x sk_live_ sk-proj- SK0123 tw_k_ ghp_ github_pat_',
      'token TOKEN authtoken auth_token _authToken -----BEGIN OPENSSH PRIVATE KEY----- eyJhbGciOi',
    ].join('\n');
    const hits = (re: RegExp) => [...text.matchAll(re)].map((m) => `${m.index}:${m[0]}`);
    assert.deepEqual(hits(pf.regex), hits(flat));
    assert.ok(hits(flat).length > 20);
  });
});
