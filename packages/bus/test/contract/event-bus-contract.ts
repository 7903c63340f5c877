import assert from 'node:assert/strict';
import { after, afterEach, describe, test } from 'node:test';
import type { AccessEvent, ControlOrder } from '@tokenwarden/core';
import type { DeliveryMeta, EventBus } from '../../src/index.js';
import { accessEvent, blockOrder, lifecycleEvent, sleep, waitFor } from './events.js';

/** Delivery settings every contract run uses: quick retries so failures show within a second. */
export const CONTRACT_DELIVERY = { maxDeliver: 3, backoffMs: [40, 80] } as const;

/** How the contract gets a bus: a fresh, empty backend per test, and cleanup at the end. */
export interface BusHarness {
  /** A new bus on an empty backend (JetStream: a unique stream prefix). */
  open(): Promise<EventBus>;
  /** Releases whatever the run created (JetStream: deletes its streams). */
  cleanup(): Promise<void>;
}

interface Received<E> {
  event: E;
  meta: DeliveryMeta;
}

/**
 * The one behaviour every {@link EventBus} must have. Run against the in-process bus and against
 * JetStream on a real server.
 */
export function eventBusContract(name: string, harness: BusHarness): void {
  describe(`EventBus contract: ${name}`, () => {
    const open: EventBus[] = [];
    async function bus(): Promise<EventBus> {
      const b = await harness.open();
      open.push(b);
      return b;
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });
    after(() => harness.cleanup());

    test('delivers published events to a subscriber, in publish order', async () => {
      const b = await bus();
      const got: Received<AccessEvent>[] = [];
      await b.subscribe('access', 'order', async (event, meta) => {
        got.push({ event, meta });
      });
      for (let i = 0; i < 20; i++) await b.publish('access', accessEvent(i));
      await waitFor(() => got.length === 20, '20 events');
      assert.deepEqual(
        got.map((r) => r.event.request_id),
        Array.from({ length: 20 }, (_, i) => String(i)),
      );
      assert.ok(got.every((r) => r.meta.redelivered === false));
      const seqs = got.map((r) => r.meta.seq ?? 0);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        'sequence numbers increase',
      );
    });

    test('keeps topics apart and gives every durable consumer its own copy', async () => {
      const b = await bus();
      const a: string[] = [];
      const c: string[] = [];
      const control: ControlOrder[] = [];
      await b.subscribe('access', 'one', async (e) => {
        a.push(e.id);
        (e as { path?: string }).path = 'mutated by consumer one';
      });
      await b.subscribe('access', 'two', async (e) => {
        c.push(e.path ?? '');
      });
      await b.subscribe('control', 'gw', async (e) => {
        control.push(e);
      });
      const ev = accessEvent(1);
      await b.publish('access', ev);
      await b.publish('control', blockOrder('203.0.113.7'));
      await waitFor(() => a.length === 1 && c.length === 1 && control.length === 1, 'one event per consumer');
      assert.equal(a[0], ev.id);
      assert.equal(c[0], '/r/1', 'a consumer never sees another consumer’s changes');
      assert.equal(control[0]?.target.kind, 'ip');
    });

    test('an acked event is not delivered again', async () => {
      const b = await bus();
      let calls = 0;
      const sub = await b.subscribe('access', 'acker', async () => {
        calls++;
      });
      await b.publish('access', accessEvent(1));
      await waitFor(() => calls === 1, 'first delivery');
      await sub.unsubscribe();
      await b.subscribe('access', 'acker', async () => {
        calls++;
      });
      await sleep(300);
      assert.equal(calls, 1);
      assert.equal(b.stats().acked, 1);
    });

    test('redelivers after a handler error, flagged as redelivered, then acks', async () => {
      const b = await bus();
      const metas: DeliveryMeta[] = [];
      await b.subscribe('access', 'flaky', async (_e, meta) => {
        metas.push(meta);
        if (metas.length === 1) throw new Error('transient failure');
      });
      await b.publish('access', accessEvent(1));
      await waitFor(() => metas.length === 2, 'a redelivery');
      assert.equal(metas[0]?.redelivered, false);
      assert.equal(metas[1]?.redelivered, true);
      assert.equal(metas[0]?.seq, metas[1]?.seq);
      await sleep(300);
      assert.equal(metas.length, 2, 'acked after the successful retry');
    });

    test('parks an event as a dead letter after maxDeliver failures, and keeps delivering the rest', async () => {
      const b = await bus();
      const seen: string[] = [];
      const poison = accessEvent(0);
      await b.subscribe('access', 'strict', async (e) => {
        seen.push(e.id);
        if (e.id === poison.id) throw new Error('cannot handle this one');
      });
      await b.publish('access', poison);
      await b.publish('access', accessEvent(1));
      await waitFor(() => b.deadLetters().length === 1, 'a dead letter');
      const dl = b.deadLetters()[0];
      assert.equal(dl?.eventId, poison.id);
      assert.equal(dl?.deliveries, CONTRACT_DELIVERY.maxDeliver);
      assert.equal(dl?.error, 'cannot handle this one');
      assert.equal(seen.filter((id) => id === poison.id).length, CONTRACT_DELIVERY.maxDeliver);
      assert.equal(seen.filter((id) => id !== poison.id).length, 1, 'the healthy event got through');
      assert.equal(b.stats().deadLettered, 1);
      await sleep(200);
      assert.equal(seen.filter((id) => id === poison.id).length, CONTRACT_DELIVERY.maxDeliver, 'never delivered again');
    });

    test('a durable consumer resumes where it left off after a restart (at-least-once)', async () => {
      const b = await bus();
      const first: string[] = [];
      const sub = await b.subscribe('access', 'durable', async (e) => {
        first.push(e.request_id ?? '');
        if (e.request_id === '2') throw new Error('crashed while handling 2');
      });
      for (let i = 0; i < 3; i++) await b.publish('access', accessEvent(i));
      await waitFor(() => first.includes('2'), 'events 0..2');
      await sub.unsubscribe();
      // Published while the consumer is down.
      await b.publish('access', accessEvent(3));
      await b.publish('access', accessEvent(4));
      const second: Received<AccessEvent>[] = [];
      await b.subscribe('access', 'durable', async (event, meta) => {
        second.push({ event, meta });
      });
      await waitFor(() => second.length >= 3, 'the unacked event and the two missed ones');
      await sleep(200);
      const ids = second.map((r) => r.event.request_id).sort();
      assert.deepEqual(ids, ['2', '3', '4'], 'nothing acked is repeated, nothing is lost');
      assert.equal(second.find((r) => r.event.request_id === '2')?.meta.redelivered, true);
      assert.deepEqual(
        second.filter((r) => r.event.request_id !== '2').map((r) => r.event.request_id),
        ['3', '4'],
      );
    });

    test('the same event id published twice is handled once', async () => {
      const b = await bus();
      const handled: string[] = [];
      await b.subscribe('access', 'idem', async (e) => {
        handled.push(e.id);
      });
      const ev = accessEvent(1);
      await b.publish('access', ev);
      await b.publish('access', ev);
      await b.publish('access', { ...ev, request_id: 'retry with the same id' });
      await b.publish('access', accessEvent(2));
      await waitFor(() => handled.length >= 2, 'two distinct events');
      await sleep(200);
      assert.deepEqual(handled.filter((id) => id === ev.id).length, 1);
      assert.equal(handled.length, 2);
    });

    test('fromStart replays retained events to a new consumer; without it a new consumer sees only new events', async () => {
      const b = await bus();
      await b.publish('lifecycle', lifecycleEvent('lc-old-1', 'token.issued'));
      await b.publish('lifecycle', lifecycleEvent('lc-old-2', 'token.revoked'));
      const replay: string[] = [];
      const fresh: string[] = [];
      await b.subscribe(
        'lifecycle',
        'replayer',
        async (e) => {
          replay.push(e.id);
        },
        { fromStart: true, batch: 1 },
      );
      await b.subscribe('lifecycle', 'newcomer', async (e) => {
        fresh.push(e.id);
      });
      await b.publish('lifecycle', lifecycleEvent('lc-new', 'token.expired'));
      await waitFor(() => replay.length === 3 && fresh.length === 1, 'replay and live delivery');
      assert.deepEqual(replay, ['lc-old-1', 'lc-old-2', 'lc-new']);
      assert.deepEqual(fresh, ['lc-new']);
    });

    test('close waits for the handler in progress, then refuses work', async () => {
      const b = await bus();
      let finished = false;
      let started = false;
      await b.subscribe('access', 'slow', async () => {
        started = true;
        await sleep(150);
        finished = true;
      });
      await b.publish('access', accessEvent(1));
      await waitFor(() => started, 'handler start');
      await b.close();
      assert.equal(finished, true, 'close() returned only after the handler finished');
      await assert.rejects(b.publish('access', accessEvent(2)), { code: 'TW_BUS_CLOSED' });
      await assert.rejects(
        b.subscribe('access', 'late', async () => {}),
        { code: 'TW_BUS_CLOSED' },
      );
      await b.close();
    });

    test('rejects events without an id and unusable consumer names', async () => {
      const b = await bus();
      await assert.rejects(b.publish('access', { ...accessEvent(1), id: '' }), { code: 'TW_BUS_INVALID' });
      await assert.rejects(
        b.subscribe('access', 'bad.name', async () => {}),
        { code: 'TW_BUS_INVALID' },
      );
    });
  });
}
