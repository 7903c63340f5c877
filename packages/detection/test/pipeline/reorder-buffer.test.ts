import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReorderBuffer } from '../../src/pipeline/reorder-buffer.js';

type Ev = { ts: number; id: string; late?: boolean };
const ev = (ts: number, id = String(ts)): Ev => ({ ts, id });

describe('ReorderBuffer', () => {
  it('puts events back in order within the tolerance, keeping arrival order for ties', () => {
    const buf = new ReorderBuffer<Ev>({ toleranceMs: 10 });
    const out: Ev[] = [];
    for (const e of [ev(100), ev(95), ev(100, '100b'), ev(103), ev(120), ev(111), ev(140)]) out.push(...buf.push(e));
    out.push(...buf.drain());
    assert.deepEqual(
      out.map((e) => e.id),
      ['95', '100', '100b', '103', '111', '120', '140'],
    );
    assert.equal(buf.late, 0);
  });

  it('processes events later than the tolerance at once, flagged late', () => {
    const buf = new ReorderBuffer<Ev>({ toleranceMs: 5 });
    const out: Ev[] = [];
    for (const e of [ev(100), ev(110), ev(120), ev(90)]) out.push(...buf.push(e));
    out.push(...buf.drain());
    assert.deepEqual(
      out.map((e) => [e.id, e.late === true]),
      [
        ['100', false],
        ['110', false],
        ['90', true],
        ['120', false],
      ],
    );
    assert.equal(buf.late, 1);
  });

  it('judges lateness per key: another key that is behind the global clock is not late', () => {
    type K = Ev & { k: string };
    const buf = new ReorderBuffer<K>({ toleranceMs: 5, key: (e) => e.k });
    const out: K[] = [];
    for (const e of [
      { ts: 100, id: 'a1', k: 'a' },
      { ts: 200, id: 'a2', k: 'a' },
      { ts: 50, id: 'b1', k: 'b' },
      { ts: 60, id: 'b2', k: 'b' },
      { ts: 55, id: 'b0', k: 'b' },
    ])
      out.push(...buf.push(e));
    out.push(...buf.drain());
    assert.deepEqual(
      out.map((e) => [e.id, e.late === true]),
      [
        ['a1', false],
        ['b1', false],
        ['b2', false],
        ['b0', true],
        ['a2', false],
      ],
    );
  });

  it('streams straight through with zero tolerance', () => {
    const buf = new ReorderBuffer<Ev>({ toleranceMs: 0 });
    assert.deepEqual(buf.push(ev(1)), [ev(1)]);
    assert.deepEqual(buf.push(ev(2)), [ev(2)]);
    assert.equal(buf.size, 0);
  });

  it('never holds more than its capacity', () => {
    const buf = new ReorderBuffer<Ev>({ toleranceMs: 1e12, capacity: 3 });
    let released = 0;
    for (let i = 0; i < 100; i++) released += buf.push(ev(i)).length;
    assert.equal(buf.size, 3);
    assert.equal(released, 97);
  });

  it('releases exactly what a naive sorted-list model releases, for mostly ordered input with bursts of disorder and ties', () => {
    let x = 12345;
    const rnd = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 4294967296;
    };
    for (const [tolerance, capacity] of [
      [0, 100],
      [10, 1000],
      [50, 1000],
      [50, 7],
    ] as const) {
      const buf = new ReorderBuffer<Ev>({ toleranceMs: tolerance, capacity });
      // Model: a list kept sorted by (ts, arrival); the same release rule as the buffer's contract.
      let waiting: Array<{ e: Ev; seq: number }> = [];
      let newest = Number.NEGATIVE_INFINITY;
      let released = Number.NEGATIVE_INFINITY;
      let seq = 0;
      let clock = 1000;
      for (let i = 0; i < 3000; i++) {
        clock += Math.floor(rnd() * 4); // ties happen
        const ts = rnd() < 0.15 ? clock - Math.floor(rnd() * 80) : clock; // some events arrive late
        const e = ev(ts, `e${i}`);
        const got = buf.push(e).map((d) => d.id);
        const want: string[] = [];
        if (ts < released) want.push(e.id);
        else {
          if (ts > newest) newest = ts;
          waiting.push({ e, seq: seq++ });
          waiting.sort((a, b) => a.e.ts - b.e.ts || a.seq - b.seq);
          while (waiting.length > 0 && ((waiting[0] as { e: Ev }).e.ts <= newest - tolerance || waiting.length > capacity)) {
            const next = waiting.shift() as { e: Ev };
            if (next.e.ts > released) released = next.e.ts;
            want.push(next.e.id);
          }
        }
        assert.deepEqual(got, want, `tolerance ${tolerance} capacity ${capacity} event ${i}`);
        assert.equal(buf.size, waiting.length);
      }
      assert.deepEqual(
        buf.drain().map((d) => d.id),
        waiting.map((w) => w.e.id),
      );
      waiting = [];
      assert.equal(buf.size, 0);
    }
  });
});
