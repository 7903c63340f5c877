import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createBus, type EventBus, streamName } from '@tokenwarden/bus';
import { type AccessEvent, seededRandom, TOPICS } from '@tokenwarden/core';
import { detectionMigrations } from '@tokenwarden/detection';
import { feedbackMigrations } from '@tokenwarden/response';
import { openTestDatabase, type TestDatabase } from '@tokenwarden/store/testing';
import { history } from '../../src/demo/traffic.js';
import { type RunningWorker, startWorker } from '../../src/worker/start-worker.js';

const NATS_URL = process.env.TOKENWARDEN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const SKIP = process.env.TOKENWARDEN_SKIP_NATS === '1' ? 'TOKENWARDEN_SKIP_NATS=1' : false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deleteStreams(prefix: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL, timeout: 3000 });
  try {
    const jsm = await jetstreamManager(nc);
    for (const topic of TOPICS) await jsm.streams.delete(streamName(prefix, topic)).catch(() => false);
  } finally {
    await nc.close();
  }
}

// Production: gateways publish on JetStream; the worker consumes through durable consumers.
describe('tokenwarden worker with bus.driver nats (JetStream)', { skip: SKIP }, () => {
  const prefix = `TWTEST_worker_${process.pid}_${randomBytes(4).toString('hex')}`;
  const bus = { driver: 'nats', url: NATS_URL, stream_prefix: prefix } as const;
  let t: TestDatabase;
  let gatewayBus: EventBus;
  let worker: RunningWorker | undefined;

  before(async () => {
    t = await openTestDatabase('sqlite', [...detectionMigrations, ...feedbackMigrations]);
    gatewayBus = await createBus(bus);
  });
  after(async () => {
    await worker?.stop().catch(() => {});
    await gatewayBus?.close().catch(() => {});
    await t?.dispose();
    await deleteStreams(prefix).catch(() => {});
  });

  it('detects from events published on JetStream, stores alerts, groups them into an incident and saves its state at stop', async () => {
    const alerts: string[] = [];
    worker = await startWorker({ database: t.database, bus, snapshotEveryMs: 0, onAlert: (a) => alerts.push(a.severity) });
    const baseline = history(
      {
        persona: { name: 'alice', ip: '91.64.12.34', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/605.1.15' },
        credentialId: 'key_js_alice',
        principal: 'alice',
        utcOffset: 1,
        hours: [8, 19],
        weekdaysOnly: true,
        requestsPerDay: 15,
        paths: ['/api/me', '/api/projects'],
      },
      21,
      Date.now(),
      seededRandom(11),
    );
    const now = Date.now() - 1000;
    const burst: AccessEvent[] = (
      [
        ['GET', '/api/me', 200],
        ['GET', '/api/admin/export', 200],
        ['GET', '/api/admin/settings', 200],
        ['POST', '/api/admin/keys', 201],
        ['POST', '/api/admin/users', 201],
        ['PUT', '/api/admin/alerts', 200],
      ] as const
    ).map(([method, path, status], i) => ({
      id: `evt_js_attack_${i}`,
      time: new Date(now + i * 50).toISOString(),
      credential_id: 'key_js_alice',
      credential_kind: 'api_key',
      principal: 'alice',
      source_ip: '159.89.214.31',
      user_agent: 'curl/8.5.0',
      method,
      path,
      outcome: 'success',
      status,
      source_system: 'gateway',
    }));
    for (const e of [...baseline, ...burst]) await gatewayBus.publish('access', e);

    const total = baseline.length + burst.length;
    const deadline = Date.now() + 30_000;
    while ((worker.stats().events < total || !alerts.includes('critical')) && Date.now() < deadline) await sleep(50);
    assert.equal(worker.stats().events, total);
    assert.ok(alerts.includes('critical'), JSON.stringify(alerts));
    await worker.idle();
    const stored = await t.repos.alerts.list({ credential: 'key_js_alice', limit: 100 });
    assert.equal(stored.length, alerts.length);
    const incidents = await t.repos.incidents.list({ credential_id: 'key_js_alice' });
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0]?.status, 'open', 'no response: grouped, not contained');

    await worker.stop();
    worker = undefined;
    const again = await startWorker({ database: t.database, bus, snapshotEveryMs: 0 });
    try {
      assert.equal(again.engine.stats().events, total, 'the baseline survives the restart');
    } finally {
      await again.stop();
    }
  });
});
