import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InProcessBus } from '@tokenwarden/bus';
import type { AccessEvent, Alert, LifecycleEvent } from '@tokenwarden/core';
import { fromAccessEvent, fromLifecycleEvent, runDetectionWorker } from '../../src/pipeline/detection-worker.js';
import { createRecordingEngine } from './recording-engine.js';

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const access: AccessEvent = {
  id: 'a1',
  time: '2026-03-01T00:00:00.000Z',
  credential_id: 'cred-1',
  source_ip: '::ffff:8.8.8.8',
  outcome: 'failure',
  error_code: 'token_revoked',
  source_system: 'gateway',
};
const lifecycle: LifecycleEvent = {
  id: 'l1',
  time: '2026-03-01T00:00:01.000Z',
  type: 'canary.used',
  credential_id: 'cred-canary',
  source_ip: '203.0.113.9',
  source_system: 'token-service',
};

describe('detection worker', () => {
  it('normalises bus events and keeps their lifecycle signal', () => {
    assert.equal(fromAccessEvent(access)?.source_ip, '8.8.8.8');
    assert.equal(fromAccessEvent({ ...access, credential_id: undefined }), undefined);
    const l = fromLifecycleEvent(lifecycle);
    assert.equal(l?.lifecycle, 'canary.used');
    assert.equal(l?.credential_key, 'cred-canary');
    assert.equal(l?.operation, 'lifecycle:canary.used');
  });

  it('consumes access and lifecycle, stores alerts and publishes them on the alert topic; retries the store, not the engine', async () => {
    const bus = new InProcessBus({ backoffMs: [5] });
    const stored: Alert[] = [];
    let failNext = true;
    const repos = {
      alerts: {
        async insert(alert: Alert) {
          if (failNext) {
            failNext = false;
            throw new Error('database is locked');
          }
          stored.push(alert);
          return true;
        },
      },
    };
    const engine = createRecordingEngine();
    engine.process = ((orig) => (e) => {
      const alerts = orig(e);
      return e.lifecycle === 'canary.used' ? [{ ...(alerts[0] as Alert), rule: 'canary' }] : [];
    })(engine.process.bind(engine));
    const published: Alert[] = [];
    await bus.subscribe('alert', 'test', async (a) => {
      published.push(a);
    });
    const worker = await runDetectionWorker({ bus, repos, engine });
    await bus.publish('access', access);
    await bus.publish('lifecycle', lifecycle);
    await until(() => published.length === 1);
    assert.equal(stored.length, 1);
    assert.equal(published[0]?.credential, 'cred-canary');
    assert.equal(engine.events.filter((e) => e.id === 'l1').length, 1, 'a redelivery does not feed the engine twice');
    assert.deepEqual(worker.stats(), { events: 2, skipped: 0, alerts: 1 });
    await worker.stop();
    await bus.close();
  });
});
