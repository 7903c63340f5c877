import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '@tokenwarden/core';
import { type EventBatches, type MergeInput, mergeSourcesByTime } from '../../src/pipeline/source-merge.js';

interface Item {
  ts: number;
  src: number;
}

function batchesOf(items: Item[], size: number, opened: { now: number; max: number }): EventBatches<Item> {
  async function* gen(): AsyncGenerator<Item[]> {
    opened.now++;
    opened.max = Math.max(opened.max, opened.now);
    try {
      for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
    } finally {
      opened.now--;
    }
  }
  return gen()[Symbol.asyncIterator]();
}

async function merge(files: Item[][], maxOpen?: number) {
  const opened = { now: 0, max: 0 };
  const inputs: MergeInput<Item>[] = files.map((items) => ({
    firstTs: items[0]?.ts ?? Number.POSITIVE_INFINITY,
    open: async () => batchesOf(items, 3, opened),
  }));
  const out: Item[] = [];
  await mergeSourcesByTime(
    inputs,
    (i) => i.ts,
    (run) => void out.push(...run),
    { maxOpen },
  );
  return { out, opened };
}

describe('mergeSourcesByTime', () => {
  it('hands over files of overlapping periods (two regions of one export) in time order, ties in the order the files were opened', async () => {
    const east = [1, 3, 5, 7, 9].map((ts) => ({ ts, src: 0 }));
    const west = [2, 3, 4, 10].map((ts) => ({ ts, src: 1 }));
    const later = [8, 11].map((ts) => ({ ts, src: 2 }));
    const { out } = await merge([east, later, west]);
    assert.deepEqual(
      out.map((i) => `${i.ts}/${i.src}`),
      ['1/0', '2/1', '3/0', '3/1', '4/1', '5/0', '7/0', '8/2', '9/0', '10/1', '11/2'],
    );
  });

  it('opens a file only when the merge reaches its first event, so a long directory of consecutive files holds one at a time', async () => {
    const files = Array.from({ length: 50 }, (_, f) => Array.from({ length: 10 }, (_, k) => ({ ts: f * 100 + k * 10, src: f })));
    const { out, opened } = await merge(files.reverse());
    assert.equal(out.length, 500);
    assert.equal(opened.max, 1);
    assert.deepEqual(
      out.map((i) => i.ts),
      out.map((i) => i.ts).sort((a, b) => a - b),
    );
  });

  it('emits every event exactly once, sorted, for random sorted files, and never opens more than maxOpen', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = seededRandom(seed);
      const files: Item[][] = Array.from({ length: 2 + Math.floor(r() * 12) }, (_, src) => {
        let ts = Math.floor(r() * 1000);
        return Array.from({ length: Math.floor(r() * 40) }, () => {
          ts += Math.floor(r() * 50);
          return { ts, src };
        });
      });
      const total = files.reduce((n, f) => n + f.length, 0);
      const unbounded = await merge(files);
      assert.equal(unbounded.out.length, total);
      assert.deepEqual(
        unbounded.out.map((i) => i.ts),
        files
          .flat()
          .map((i) => i.ts)
          .sort((a, b) => a - b),
        `seed ${seed}`,
      );
      const bounded = await merge(files, 2);
      assert.ok(bounded.opened.max <= 2, `seed ${seed}: ${bounded.opened.max} open`);
      assert.equal(bounded.out.length, total, `seed ${seed}: nothing lost when files wait for a free slot`);
      assert.equal(bounded.opened.now, 0, 'every file closed');
    }
  });
});
