import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlOrder } from '@tokenwarden/core';
import { pollControlOrders } from '@tokenwarden/gateway';

function order(id: string, action: 'block' | 'unblock', ip: string): ControlOrder {
  return { id, time: '2026-11-02T03:00:00.000Z', action, target: { kind: 'ip', value: ip }, reason: 'test', actor: 'test' };
}

describe('control orders from the shared store', () => {
  it('applies every stored order at start, then new ones as they are appended, in order', async () => {
    const log: { seq: number; order: ControlOrder }[] = [
      { seq: 1, order: order('o1', 'block', '203.0.113.9') },
      { seq: 2, order: order('o2', 'block', '203.0.113.10') },
    ];
    const source = {
      async since(seq: number, limit = 500) {
        return log.filter((r) => r.seq > seq).slice(0, limit);
      },
    };
    const applied: string[] = [];
    const stop = await pollControlOrders(source, (o) => applied.push(`${o.action} ${o.id}`), { intervalMs: 10 });
    assert.deepEqual(applied, ['block o1', 'block o2'], 'everything already ordered applies before the gateway serves');
    log.push({ seq: 3, order: order('o3', 'unblock', '203.0.113.9') });
    for (let i = 0; i < 100 && applied.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    await stop();
    assert.deepEqual(applied, ['block o1', 'block o2', 'unblock o3']);
  });

  it('keeps polling after a read error', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const source = {
      async since(seq: number) {
        if (seq > 0 && fail) {
          fail = false;
          throw new Error('database is locked');
        }
        return seq === 0 ? [{ seq: 1, order: order('o1', 'block', '203.0.113.9') }] : [];
      },
    };
    const stop = await pollControlOrders(source, () => {}, { intervalMs: 5, onError: (e) => errors.push(e) });
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 30));
    await stop();
    assert.equal(errors.length, 1);
  });
});
