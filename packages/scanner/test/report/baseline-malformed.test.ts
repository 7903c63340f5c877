import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inBaseline, readBaseline } from '../../src/baseline.js';

// A baseline given with --baseline is a file from anywhere: a foreign or hand-edited SARIF report must give
// TW_SCAN_BASELINE_INVALID naming the entry, or no entries, never a crash.
describe('a malformed SARIF report as the baseline', () => {
  const read = (doc: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-baseline-'));
    try {
      const file = join(dir, 'baseline.sarif');
      writeFileSync(file, JSON.stringify(doc));
      return readBaseline(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const invalidEntry = (e: unknown) => (e as { code?: string }).code === 'TW_SCAN_BASELINE_INVALID' && /entry 1/.test((e as Error).message);

  it('reports a result that is not an object, or lacks its fields, as an invalid entry', () => {
    assert.throws(() => read({ version: '2.1.0', runs: [{ results: [null] }] }), invalidEntry);
    assert.throws(() => read({ runs: [{ results: [7] }] }), invalidEntry);
    assert.throws(() => read({ runs: [{ results: [{ ruleId: 'r', partialFingerprints: 'x', locations: [null] }] }] }), invalidEntry);
  });

  it('takes runs that are not objects, or whose results are not a list, as holding no findings', () => {
    const accepted = read({ runs: [null, 3, { results: 'x' }, {}] });
    assert.equal(inBaseline(accepted, { secret_hash: 'h', file: 'a.env', rule: 'r' }), false);
  });
});
