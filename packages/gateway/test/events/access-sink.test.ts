import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessEvent } from '@tokenwarden/core';
import { AccessEventSink } from '../../src/access-sink.js';

const event = (i: number): AccessEvent => ({ id: `e${i}`, time: new Date().toISOString(), outcome: 'success', source_system: 'gateway' });

describe('AccessEventSink', () => {
  it('never blocks: drops and counts past capacity, flushes the rest', async () => {
    const got: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const sink = new AccessEventSink(
      async (batch) => {
        await gate;
        for (const e of batch) got.push(e.id);
      },
      { capacity: 3 },
    );
    // The publisher is stuck on `gate`: every push still returns at once (synchronously).
    for (let i = 0; i < 10; i++) assert.equal(sink.push(event(i)), undefined);
    assert.equal(sink.pending + sink.published, 3);
    assert.equal(sink.dropped, 7);
    release();
    await sink.flush();
    assert.deepEqual(got, ['e0', 'e1', 'e2']);
    assert.equal(sink.published, 3);
  });

  it('counts publisher failures as drops and keeps going', async () => {
    let n = 0;
    const sink = new AccessEventSink(() => {
      n++;
      if (n === 1) throw new Error('bus down');
    });
    sink.push(event(1));
    sink.push(event(2));
    await sink.flush();
    sink.push(event(3));
    await sink.flush();
    assert.equal(sink.dropped, 2, 'the failed batch is counted');
    assert.equal(sink.published, 1);
  });

  it('hands a full batch over before its window ends, and the rest with the window', async () => {
    const got: number[] = [];
    const sink = new AccessEventSink((batch) => void got.push(batch.length), { intervalMs: 60_000, batchSize: 3 });
    for (let i = 0; i < 4; i++) sink.push(event(i));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got, [4], 'the batch went at the next turn, not after 60 s');
    sink.push(event(4));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got, [4], 'one item waits for its window');
    await sink.flush();
    assert.deepEqual(got, [4, 1]);
  });

  it('builds events from compact records only when the batch is handed over', async () => {
    const got: AccessEvent[][] = [];
    let built = 0;
    const sink = new AccessEventSink<number>((batch) => void got.push([...batch]), {
      toEvent: (i) => {
        built++;
        return event(i);
      },
    });
    sink.push(1);
    sink.push(2);
    assert.equal(built, 0, 'nothing built on the request path');
    await sink.flush();
    assert.equal(built, 2);
    assert.deepEqual(
      got.flat().map((e) => e.id),
      ['e1', 'e2'],
    );
  });
});
