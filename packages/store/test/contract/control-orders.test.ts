import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ControlOrder } from '@tokenwarden/core';
import { forEachDialect } from '@tokenwarden/store/testing';

function order(id: string, ip: string): ControlOrder {
  return {
    id,
    time: '2026-11-02T03:00:00.000Z',
    action: 'block',
    target: { kind: 'ip', value: ip },
    reason: 'attack source',
    actor: 'policy:auto',
  };
}

forEachDialect('control order log', (t) => {
  it('assigns increasing sequence numbers, is idempotent by order id, and pages by seq', async () => {
    const { controlOrders } = t().repos;
    const a = await controlOrders.append(order('ord_a', '203.0.113.9'));
    const b = await controlOrders.append(order('ord_b', '203.0.113.10'));
    assert.equal(await controlOrders.append(order('ord_a', '203.0.113.9')), a, 'the same order twice is stored once');
    assert.ok(b > a);
    assert.deepEqual(
      (await controlOrders.since(0)).map((r) => r.order.id),
      ['ord_a', 'ord_b'],
    );
    assert.deepEqual(
      (await controlOrders.since(a)).map((r) => [r.seq, r.order]),
      [[b, order('ord_b', '203.0.113.10')]],
    );
    assert.deepEqual(await controlOrders.since(b), []);
  });
});
