import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { Broadcast, BroadcastPayload } from '../../src/index.js';
import { sleep, waitFor } from '../contract/events.js';

/** Two instances that hear each other (two gateways), and a way to force a reconnect when the transport has one. */
export interface BroadcastHarness {
  open(): Promise<Broadcast>;
  /** Breaks `bc`'s connection so it must reconnect; absent for transports without a connection. */
  forceReconnect?: (bc: Broadcast) => Promise<void>;
  cleanup?: () => Promise<void>;
}

function channel(label: string): string {
  return `twtest.${label}.${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The behaviour every {@link Broadcast} must have, run against in-memory, NATS and Redis. */
export function broadcastContract(name: string, harness: BroadcastHarness): void {
  describe(`Broadcast contract: ${name}`, () => {
    const opened: Broadcast[] = [];
    async function open(): Promise<Broadcast> {
      const bc = await harness.open();
      opened.push(bc);
      return bc;
    }
    after(async () => {
      await Promise.all(opened.map((bc) => bc.close()));
      await harness.cleanup?.();
    });

    test('fans a message out to every subscribed instance, including the publisher, within 100 ms', async () => {
      const [a, b] = [await open(), await open()];
      const ch = channel('fanout');
      const gotA: BroadcastPayload[] = [];
      const gotB: BroadcastPayload[] = [];
      await a.subscribe(ch, (p) => {
        gotA.push(p);
      });
      await b.subscribe(ch, (p) => {
        gotB.push(p);
      });
      // The median of several rounds, so one GC pause on a shared CI machine does not decide the result.
      const latencies: number[] = [];
      for (let i = 1; i <= 5; i++) {
        const started = performance.now();
        await a.publish(ch, { kind: 'revoke', jti: `tok_${i}` });
        await waitFor(() => gotA.length === i && gotB.length === i, 'both instances', 2000);
        latencies.push(performance.now() - started);
      }
      assert.deepEqual(gotA[0], { kind: 'revoke', jti: 'tok_1' });
      assert.deepEqual(gotB, gotA);
      const median = [...latencies].sort((x, y) => x - y)[2] ?? Number.POSITIVE_INFINITY;
      assert.ok(median < 100, `median fan-out ${median.toFixed(1)} ms`);
    });

    test('keeps channels apart and preserves publish order within a channel', async () => {
      const [a, b] = [await open(), await open()];
      const ch1 = channel('one');
      const ch2 = channel('two');
      const got1: unknown[] = [];
      const got2: unknown[] = [];
      await b.subscribe(ch1, (p) => {
        got1.push(p.n);
      });
      await b.subscribe(ch2, (p) => {
        got2.push(p.n);
      });
      for (let n = 0; n < 20; n++) await a.publish(ch1, { n });
      await a.publish(ch2, { n: 'x' });
      await waitFor(() => got1.length === 20 && got2.length === 1, 'all messages');
      assert.deepEqual(
        got1,
        Array.from({ length: 20 }, (_, n) => n),
      );
      assert.deepEqual(got2, ['x']);
    });

    test('unsubscribe stops delivery to that handler only', async () => {
      const [a, b] = [await open(), await open()];
      const ch = channel('unsub');
      const first: unknown[] = [];
      const second: unknown[] = [];
      const stop = await b.subscribe(ch, (p) => {
        first.push(p.n);
      });
      await b.subscribe(ch, (p) => {
        second.push(p.n);
      });
      await a.publish(ch, { n: 1 });
      await waitFor(() => first.length === 1 && second.length === 1, 'first message');
      await stop();
      await a.publish(ch, { n: 2 });
      await waitFor(() => second.length === 2, 'second message');
      await sleep(50);
      assert.deepEqual(first, [1]);
    });

    test('a throwing handler neither stops other handlers nor later messages', async () => {
      const [a, b] = [await open(), await open()];
      const ch = channel('isolation');
      const ok: unknown[] = [];
      await b.subscribe(ch, () => {
        throw new Error('handler bug');
      });
      await b.subscribe(ch, async (p) => {
        ok.push(p.n);
      });
      await a.publish(ch, { n: 1 });
      await a.publish(ch, { n: 2 });
      await waitFor(() => ok.length === 2, 'both messages');
    });

    test('each handler gets its own copy of the payload', async () => {
      const a = await open();
      const ch = channel('copy');
      const seen: unknown[] = [];
      await a.subscribe(ch, (p) => {
        p.mutated = true;
      });
      await a.subscribe(ch, (p) => {
        seen.push(p.mutated);
      });
      await a.publish(ch, { n: 1 });
      await waitFor(() => seen.length === 1, 'delivery');
      assert.deepEqual(seen, [undefined]);
    });

    test('rejects wildcard channels and non-object payloads', async () => {
      const a = await open();
      await assert.rejects(a.publish('a.*', { n: 1 }), { code: 'TW_BUS_INVALID' });
      await assert.rejects(a.publish('a.>', { n: 1 }), { code: 'TW_BUS_INVALID' });
      await assert.rejects(
        a.subscribe('has space', () => {}),
        { code: 'TW_BUS_INVALID' },
      );
      await assert.rejects(a.publish(channel('bad'), [1, 2] as unknown as object), { code: 'TW_BUS_INVALID' });
    });

    test('refuses work after close', async () => {
      const a = await harness.open();
      await a.close();
      await assert.rejects(a.publish(channel('closed'), { n: 1 }), { code: 'TW_BUS_CLOSED' });
    });

    const forceReconnect = harness.forceReconnect;
    test('after a reconnect, onReconnect fires and subscriptions deliver again', {
      skip: forceReconnect ? false : 'no connection to lose',
    }, async () => {
      if (!forceReconnect) return;
      const [a, b] = [await open(), await open()];
      const ch = channel('reconnect');
      const got: unknown[] = [];
      let reconnects = 0;
      b.onReconnect(() => {
        reconnects++;
      });
      await b.subscribe(ch, (p) => {
        got.push(p.n);
      });
      await forceReconnect(b);
      await waitFor(() => reconnects >= 1, 'onReconnect', 8000);
      await a.publish(ch, { n: 'after' });
      await waitFor(() => got.includes('after'), 'a message after the reconnect');
    });
  });
}
