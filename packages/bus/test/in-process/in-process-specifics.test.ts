import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { createBus, InProcessBus } from '../../src/index.js';
import { accessEvent, sleep, waitFor } from '../contract/events.js';

describe('in-process bus specifics', () => {
  test('createBus gives the in-process bus for driver "memory"', async () => {
    const bus = await createBus({ driver: 'memory', url: 'nats://127.0.0.1:4222', stream_prefix: 'TOKENWARDEN' });
    assert.ok(bus instanceof InProcessBus);
    await bus.close();
  });

  test('a second live subscription of the same durable consumer is refused', async () => {
    const bus = new InProcessBus();
    await bus.subscribe('access', 'det', async () => {});
    await assert.rejects(
      bus.subscribe('access', 'det', async () => {}),
      (e: unknown) => isErrorCode(e, 'TW_CONFLICT'),
    );
    await bus.close();
  });

  test('a full topic makes publish wait for a slow running consumer (backpressure), then proceed', async () => {
    const bus = new InProcessBus({ retention: 2, publishTimeoutMs: 5000 });
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen: string[] = [];
    await bus.subscribe('access', 'slow', async (e) => {
      await gate;
      seen.push(e.request_id ?? '');
    });
    await bus.publish('access', accessEvent(0));
    await bus.publish('access', accessEvent(1));
    let third = false;
    const publishing = bus.publish('access', accessEvent(2)).then(() => {
      third = true;
    });
    await sleep(100);
    assert.equal(third, false, 'publish waits while the consumer still needs the oldest event');
    release();
    await publishing;
    await waitFor(() => seen.length === 3, 'all three events');
    assert.deepEqual(seen, ['0', '1', '2'], 'nothing was dropped');
    await bus.close();
  });

  test('a consumer stuck past the publish timeout makes publish fail with a clear error instead of hanging', async () => {
    const bus = new InProcessBus({ retention: 1, publishTimeoutMs: 100, stopTimeoutMs: 50 });
    await bus.subscribe('access', 'stuck', () => new Promise<void>(() => {}));
    await bus.publish('access', accessEvent(0));
    await assert.rejects(bus.publish('access', accessEvent(1)), (e: unknown) => {
      assert.ok(isErrorCode(e, 'TW_UNAVAILABLE'));
      assert.match(e.message, /topic "access" is full: consumer "stuck"/);
      return true;
    });
    await bus.close();
  });

  test('events a stopped durable consumer never read are evicted when the topic is full, and counted as lost', async () => {
    const bus = new InProcessBus({ retention: 2 });
    const sub = await bus.subscribe('access', 'offline', async () => {});
    await sub.unsubscribe();
    for (let i = 0; i < 5; i++) await bus.publish('access', accessEvent(i));
    assert.equal(bus.stats().lost, 3);
    const seen: string[] = [];
    await bus.subscribe('access', 'offline', async (e) => {
      seen.push(e.request_id ?? '');
    });
    await waitFor(() => seen.length === 2, 'the two retained events');
    assert.deepEqual(seen, ['3', '4']);
    await bus.close();
  });

  test('an event id stored twice (publish window already forgot it) is handled once per consumer', async () => {
    const bus = new InProcessBus({ publishDedupSize: 1 });
    const seen: string[] = [];
    await bus.subscribe('access', 'idem', async (e) => {
      seen.push(e.id);
    });
    const a = accessEvent(1);
    await bus.publish('access', a);
    await bus.publish('access', accessEvent(2));
    await bus.publish('access', a);
    await waitFor(() => bus.stats().acked + bus.stats().dedupSkipped === 3, 'three stored events processed');
    assert.deepEqual(seen.filter((id) => id === a.id).length, 1);
    assert.equal(seen.length, 2);
    assert.equal(bus.stats().dedupSkipped, 1);
    await bus.close();
  });

  test('a publisher changing its object after publish does not change what consumers get', async () => {
    const bus = new InProcessBus();
    const paths: string[] = [];
    await bus.subscribe('access', 'copy', async (e) => {
      paths.push(e.path ?? '');
    });
    const ev = accessEvent(1);
    await bus.publish('access', ev);
    ev.path = '/changed';
    await waitFor(() => paths.length === 1, 'delivery');
    assert.deepEqual(paths, ['/r/1']);
    await bus.close();
  });

  test('rejects nonsense delivery settings', () => {
    assert.throws(() => new InProcessBus({ maxDeliver: 0 }), RangeError);
    assert.throws(() => new InProcessBus({ backoffMs: [] }), RangeError);
    assert.throws(() => new InProcessBus({ retention: 0 }), RangeError);
  });
});
