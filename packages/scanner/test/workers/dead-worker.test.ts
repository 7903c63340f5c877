import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '@tokenwarden/scanner';
import { FileWorkerPool } from '../../src/worker-pool.js';

describe('worker pool with a worker that dies', () => {
  it('rejects the batches sent to it and every later one, instead of waiting forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-dead-worker-'));
    const path = join(dir, 'a.ts');
    writeFileSync(path, 'const a = 1;\n');
    const task = { path, display: path, size: 13, mode: 0o644 };
    // The worker compiles the custom rules at start-up: these throw there, so it dies.
    const pool = new FileWorkerPool({ size: 1, customRules: 'not a list', limits: DEFAULT_LIMITS, ruleTimeBudgetMs: 250 });
    try {
      await assert.rejects(pool.scanBatch([task]));
      assert.equal(pool.alive, 0);
      await assert.rejects(pool.scanBatch([task]), /no scan worker is running/);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
