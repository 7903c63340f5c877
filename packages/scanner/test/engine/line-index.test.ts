import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineStarts, linesAround, locateOffsets } from '../../src/engine/line-index.js';
import { prng } from '../fixtures.js';

// The definitions the incremental versions must agree with.
function referenceStarts(text: string, offset: number): { start: number; prevStart: number } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return { start, prevStart: start === 0 ? 0 : text.lastIndexOf('\n', start - 2) + 1 };
}

function referenceLines(text: string, offset: number): { line: string; previous: string } {
  const { start, prevStart } = referenceStarts(text, offset);
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  return { line: text.slice(start, Math.min(end, start + 4096)), previous: start === 0 ? '' : text.slice(prevStart, start - 1) };
}

describe('line index', () => {
  it('lineStarts and linesAround answer as lastIndexOf/indexOf for offsets in and out of order (seeded)', () => {
    const rand = prng(0x11e5);
    const pieces = ['\n', '\n\n', 'a', 'xyz', ' ', 'q'.repeat(5000)];
    for (let n = 0; n < 400; n++) {
      let text = '';
      for (let k = 0, parts = Math.floor(rand() * 30); k < parts; k++) text += pieces[Math.floor(rand() * pieces.length)] as string;
      const offsets = Array.from({ length: 20 }, () => Math.floor(rand() * (text.length + 1)));
      // Ascending runs (the fast path) with jumps back between them.
      if (rand() < 0.7) offsets.sort((a, b) => a - b);
      for (const offset of offsets) {
        assert.deepEqual(lineStarts(text, offset), referenceStarts(text, offset), `${JSON.stringify(text.slice(0, 60))} at ${offset}`);
        assert.deepEqual(linesAround(text, offset), referenceLines(text, offset), `${JSON.stringify(text.slice(0, 60))} at ${offset}`);
      }
    }
  });

  it('locateOffsets gives lines and columns in any order of offsets', () => {
    assert.deepEqual(locateOffsets('a\nbc\n\nd', [7, 0, 3, 5]), [
      { line: 4, column: 2 },
      { line: 1, column: 1 },
      { line: 2, column: 2 },
      { line: 3, column: 1 },
    ]);
  });
});
