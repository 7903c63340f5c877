import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILTIN_RULES, compileRules, scanBytes } from '@tokenwarden/scanner';
import type { CompiledRules } from '../../src/engine/compile.js';
import { scanFileBatch } from '../../src/sources/scan-batch.js';
import type { FileTask } from '../../src/sources/scan-file.js';
import { crcToken, twToken } from '../fixtures.js';

// Source-like filler with the usual words, so every file has keyword hits.
function filler(lines: number, seed: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`  const token${(i * seed) % 97} = await client.get("key-${i}"); // secret ${i}`);
  return out.join('\n');
}

// Scans the files as one batch and each file alone; every file must get the same findings both ways.
// Returns how many findings there were, so a test can check its planted secrets were all found.
async function assertBatchEqualsFileByFile(tasks: readonly FileTask[], compiled: CompiledRules): Promise<number> {
  const results = await scanFileBatch(tasks, compiled);
  let found = 0;
  tasks.forEach((task, k) => {
    const alone = scanBytes(readFileSync(task.path), compiled, { file: task.display }).findings;
    assert.deepEqual(results[k]?.findings, alone, task.display);
    found += alone.length;
  });
  return found;
}

describe('batch scanning (files read into one buffer, scanned as slices of one string)', () => {
  it('finds in every file exactly what scanning the file alone finds, at the same places', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-scan-batch-'));
    try {
      const compiled = compileRules(BUILTIN_RULES);
      const tasks = [];
      // Over 1 MB in all, so the batch shares one string; secrets on first and last lines too.
      for (let f = 0; f < 12; f++) {
        const first = f % 3 === 0 ? `key = "${twToken()}"\n` : '';
        const last = f % 4 === 1 ? `\nconst k = "${crcToken('ghp_')}"` : '';
        const middle = f % 2 === 0 ? `\npassword = "Zq8vN2xR7tLm4Kp9"\nconst t = "${twToken()}"; // tokenwarden:allow\n` : '\n';
        const text = `${first}${filler(900 + f * 37, f + 3)}${middle}${filler(800, f + 5)}${last}`;
        const path = join(dir, `f${f}.ts`);
        writeFileSync(path, text);
        tasks.push({ path, display: path, size: Buffer.byteLength(text), mode: 0o600 }); // no unsafe-storage reason: compare the scans alone
      }
      assert.ok(tasks.reduce((n, t) => n + t.size, 0) > 1 << 20);
      const found = await assertBatchEqualsFileByFile(tasks, compiled);
      assert.ok(found >= 8, `found ${found}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Files over 128 KB share one string when they reach ~1 MB together, the others get their own;
  // too few large ones and the whole batch shares it. Either way each file sees exactly its text.
  for (const [label, largeLines] of [
    ['large files enough for a shared string, small ones between them', 2600],
    ['large files too few for a shared string alone', 2300],
  ] as const) {
    it(`mixes small and large files: ${label}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tw-scan-batch-mixed-'));
      try {
        const compiled = compileRules(BUILTIN_RULES);
        const tasks = [];
        for (let f = 0; f < 14; f++) {
          const large = largeLines === 2600 ? f % 2 === 0 : f % 7 === 0;
          const lines = large ? largeLines + f : largeLines === 2600 ? 150 + f * 40 : 700 + f * 60;
          const secret = f % 3 === 0 ? `\nconst t = "${twToken()}"\n` : f % 3 === 1 ? `\nkey = "${crcToken('ghp_')}"\n` : '\n';
          const text = `${f % 4 === 0 ? secret.slice(1) : ''}${filler(lines >> 1, f + 2)}${secret}${filler(lines >> 1, f + 7)}`;
          const path = join(dir, `m${f}.ts`);
          writeFileSync(path, text);
          tasks.push({ path, display: path, size: Buffer.byteLength(text), mode: 0o600 });
        }
        const largeBytes = tasks.filter((t) => t.size > 128 << 10).reduce((n, t) => n + t.size, 0);
        const allBytes = tasks.reduce((n, t) => n + t.size, 0);
        // ~1 MB: Node's threshold for an external string.
        if (largeLines === 2600) assert.ok(largeBytes > 1 << 20, `${largeBytes}`);
        else assert.ok(largeBytes > 0 && largeBytes < 1 << 19 && allBytes > 1 << 20, `${largeBytes} ${allBytes}`);
        const found = await assertBatchEqualsFileByFile(tasks, compiled);
        assert.ok(found >= 9, `found ${found}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
