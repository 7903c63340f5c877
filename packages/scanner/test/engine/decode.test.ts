import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES, buildPrefilter, keywordHits } from '@tokenwarden/scanner';
import { base64RunsFromBlocks, forEachBase64Run, mayHoldEncoded } from '../../src/engine/decode.js';
import type { Base64Blocks } from '../../src/engine/keyword-automaton.js';
import { next as random, rnd } from '../fixtures.js';

// The definition the skip loop must agree with.
const RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}={0,2}/g;
const B64ISH = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-';

// Runs of every length around 40 (39, 40, 41...) cut by punctuation, spaces, `=` and non-ASCII.
function adversarial(pieces: number): string {
  const parts: string[] = [];
  for (let k = 0; k < pieces; k++) {
    const len = random() < 0.5 ? 35 + Math.floor(random() * 10) : Math.floor(random() * 30);
    parts.push(rnd(len, B64ISH), ['', ' ', '=', '==', '===', '.', '"', '\n', 'é', ':'][Math.floor(random() * 10)] as string);
  }
  return parts.join('');
}

describe('base64 run finder', () => {
  it('finds exactly the runs of the reference RegExp', () => {
    for (let round = 0; round < 50; round++) {
      const text = adversarial(200);
      const found: string[] = [];
      forEachBase64Run(text, (start, end) => {
        found.push(`${start}:${text.slice(start, end)}`);
        return true;
      });
      assert.deepEqual(
        found,
        [...text.matchAll(RUN)].map((m) => `${m.index}:${m[0]}`),
        `round ${round}`,
      );
    }
  });

  it('tells from ASCII bytes whether a run or a % escape may be there', () => {
    for (let round = 0; round < 200; round++) {
      const text = adversarial(5 + Math.floor(random() * 10)).replace(/é/g, '~');
      const expected = text.includes('%') || RUN.test(text);
      RUN.lastIndex = 0;
      assert.equal(mayHoldEncoded(Buffer.from(text, 'latin1')), expected, text);
    }
    assert.equal(mayHoldEncoded(Buffer.from('a%20b')), true);
    assert.equal(mayHoldEncoded(Buffer.from(`${'x'.repeat(39)} ${'y'.repeat(39)}`)), false);
    assert.equal(mayHoldEncoded(Buffer.from(`${'x'.repeat(39)} ${'y'.repeat(40)}`)), true);
  });

  it('finds the same runs from the byte pass’s base64 blocks, across 1 MB slices', () => {
    const pf = buildPrefilter(BUILTIN_RULES);
    const parts: string[] = [];
    let length = 0;
    while (length < 1.2 * (1 << 20)) {
      const piece = adversarial(400).replace(/é/g, '~');
      parts.push(piece);
      length += piece.length;
    }
    // Runs cut by the first slice boundary at every offset around it.
    const texts = [parts.join('')];
    for (const cut of [-41, -40, -39, -25, -20, -16, -1, 0, 1, 15, 16, 20, 39]) {
      texts.push(`${'.'.repeat((1 << 20) + cut - 20)}${'A'.repeat(19)}b${'9'.repeat(20)}= ${'x'.repeat(100)}`);
    }
    for (const text of texts) {
      const bytes = Buffer.from(text, 'latin1');
      const blocks: Base64Blocks = { offsets: [], complete: false };
      keywordHits(bytes, pf, blocks);
      assert.ok(blocks.complete, 'the SIMD block search ran');
      const expected: number[] = [];
      forEachBase64Run(text, (start, end) => {
        expected.push(start, end);
        return true;
      });
      assert.deepEqual(base64RunsFromBlocks(bytes, blocks.offsets), expected);
    }
  });
});
