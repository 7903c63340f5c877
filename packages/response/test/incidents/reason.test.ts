import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_REASON_LENGTH, reasonProblem } from '@tokenwarden/response';

// The reason goes into the audit log next to who and what: it must be there, bounded, and read as written.
describe('a reason for an action or verdict', () => {
  it('accepts ordinary text in any script', () => {
    assert.equal(reasonProblem('confirmed with alice (INC-42)'), undefined);
    assert.equal(reasonProblem('bestätigt – 確認済み – مؤكد'), undefined);
  });

  it('refuses an empty, overlong, control or text-direction one', () => {
    assert.equal(reasonProblem('  '), 'is empty');
    assert.match(reasonProblem('x'.repeat(MAX_REASON_LENGTH + 1)) ?? '', /longer than 500/);
    assert.match(reasonProblem('ok \u202Egnp.exe') ?? '', /U\+202E/);
    assert.match(reasonProblem('ok\u0000') ?? '', /U\+0000/);
    assert.match(reasonProblem('a\u001b[2Jb') ?? '', /U\+001B/);
    assert.match(reasonProblem('a\u2066b') ?? '', /U\+2066/);
  });
});
