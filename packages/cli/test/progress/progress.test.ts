import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type cliProgress from 'cli-progress';
import { createProgress, formatEta } from '../../src/progress.js';

const options = { autopaddingChar: '0' } as cliProgress.Options;

describe('progress bar', () => {
  it('shows -- for an eta it does not have yet (cli-progress passes NULL, shown as "eta LLs")', () => {
    assert.equal(formatEta('NULL' as never, options, 5), '--');
    assert.equal(formatEta(Number.POSITIVE_INFINITY, options, 5), '--');
    assert.equal(formatEta(75, options, 5), '01m15s');
    assert.equal(formatEta(4, options, 5), '04s');
  });

  it('writes notices as whole lines when no bar is drawn (not a TTY, or quiet)', () => {
    const written: string[] = [];
    const real = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const p = createProgress(true);
      p.start(10, 'scanning');
      p.log('skipped a.bin: binary\n');
      p.stop();
    } finally {
      process.stderr.write = real;
    }
    assert.deepEqual(written, ['skipped a.bin: binary\n']);
  });

  it('on a terminal, clears the bar line before a notice and ends the notice with a newline', () => {
    const written: string[] = [];
    const real = process.stderr.write.bind(process.stderr);
    const wasTTY = process.stderr.isTTY;
    process.stderr.isTTY = true;
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const p = createProgress(false);
      p.start(10, 'scanning');
      p.update(3);
      p.log('skipped a.bin: binary');
      p.stop();
    } finally {
      process.stderr.write = real;
      process.stderr.isTTY = wasTTY;
    }
    const notice = written.find((w) => w.includes('skipped a.bin'));
    assert.equal(notice, '\r\u001b[2Kskipped a.bin: binary\n');
    assert.ok(!written.some((w) => w.includes('LLs')));
  });
});
