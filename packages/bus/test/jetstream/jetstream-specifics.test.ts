import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type Alert, isErrorCode } from '@tokenwarden/core';
import { createBus, JetStreamBus, streamName, topicSubject } from '../../src/index.js';
import { accessEvent, sleep, waitFor } from '../contract/events.js';
import { deleteStreams, NATS_URL, SKIP_NATS, uniquePrefix } from './nats-harness.js';

describe('JetStream bus specifics', { skip: SKIP_NATS ? 'TOKENWARDEN_SKIP_NATS=1' : false }, () => {
  const prefixes = new Set<string>();
  function prefix(label: string): string {
    const p = uniquePrefix(label);
    prefixes.add(p);
    return p;
  }
  after(() => deleteStreams(prefixes));

  test('an unreachable server fails fast with TW_UNAVAILABLE naming host:port and what to do', async () => {
    const started = Date.now();
    const err = await createBus({ driver: 'nats', url: 'nats://127.0.0.1:1', stream_prefix: 'X' }).then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    assert.ok(Date.now() - started < 5000, 'within a few seconds');
    assert.ok(isErrorCode(err, 'TW_UNAVAILABLE'));
    assert.match(err.message, /NATS at 127\.0\.0\.1:1 is unreachable/);
    assert.match(err.hint ?? '', /nats-server/);
    assert.match(err.hint ?? '', /bus\.url/);
  });

  test('credentials in bus.url never appear in the error', async () => {
    const err = await createBus({ driver: 'nats', url: 'nats://app:hunter2@127.0.0.1:1', stream_prefix: 'X' }).catch((e: unknown) => e);
    assert.ok(isErrorCode(err, 'TW_UNAVAILABLE'));
    assert.doesNotMatch(`${err.message} ${err.hint} ${JSON.stringify(err.toJSON())}`, /hunter2/);
  });

  test('creates one stream per topic, named and bound as documented, idempotently from two buses', async () => {
    const p = prefix('streams');
    const [a, b] = await Promise.all([
      JetStreamBus.connect({ url: NATS_URL, streamPrefix: p }),
      JetStreamBus.connect({ url: NATS_URL, streamPrefix: p }),
    ]);
    await Promise.all([a.publish('alert', minimalAlert('al-1')), b.publish('alert', minimalAlert('al-2'))]);
    await Promise.all([a.close(), b.close()]);
    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(streamName(p, 'alert'));
      assert.equal(info.config.name, `${p}_ALERT`);
      assert.deepEqual(info.config.subjects, [topicSubject(p, 'alert')]);
      assert.equal(info.state.messages, 2);
    } finally {
      await nc.close();
    }
  });

  test('a durable consumer resumes on a new connection, as after a process restart', async () => {
    const p = prefix('restart');
    const first = await JetStreamBus.connect({ url: NATS_URL, streamPrefix: p, backoffMs: [30] });
    const seen1: string[] = [];
    await first.subscribe('access', 'worker', async (e) => {
      seen1.push(e.request_id ?? '');
    });
    await first.publish('access', accessEvent(1));
    await first.publish('access', accessEvent(2));
    await waitFor(() => seen1.length === 2, 'two events in the first process');
    await first.close();

    const publisher = await JetStreamBus.connect({ url: NATS_URL, streamPrefix: p });
    await publisher.publish('access', accessEvent(3));
    await publisher.close();

    const second = await JetStreamBus.connect({ url: NATS_URL, streamPrefix: p });
    const seen2: string[] = [];
    await second.subscribe('access', 'worker', async (e) => {
      seen2.push(e.request_id ?? '');
    });
    await waitFor(() => seen2.length >= 1, 'the event published while down');
    await sleep(200);
    await second.close();
    assert.deepEqual(seen2, ['3']);
  });

  test('a re-publish after a lost ack is stored once (server dedup on msgID = event id)', async () => {
    const p = prefix('dedup');
    const bus = await JetStreamBus.connect({ url: NATS_URL, streamPrefix: p });
    const ev = accessEvent(1);
    await bus.publish('access', ev);
    await bus.publish('access', ev);
    assert.equal(bus.stats().published, 1);
    assert.equal(bus.stats().duplicatesDropped, 1);
    await bus.close();
  });

  test('a stored message that is not an event is terminated and counted, and later events still flow', async () => {
    const p = prefix('malformed');
    const bus = await JetStreamBus.connect({ url: NATS_URL, streamPrefix: p });
    const seen: string[] = [];
    await bus.subscribe('access', 'robust', async (e) => {
      seen.push(e.id);
    });
    const nc = await connect({ servers: NATS_URL });
    nc.publish(topicSubject(p, 'access'), 'not json at all {');
    await nc.flush();
    await nc.close();
    const ok = accessEvent(2);
    await bus.publish('access', ok);
    await waitFor(() => seen.length === 1, 'the valid event');
    assert.deepEqual(seen, [ok.id]);
    assert.equal(bus.stats().malformed, 1);
    await bus.close();
  });
});

function minimalAlert(id: string): Alert {
  const time = new Date().toISOString();
  return { id, time, credential: 'cred_1', rule: 'test', severity: 'low', score: 1, stage: 'none', summary: 'test', evidence: {} };
}
