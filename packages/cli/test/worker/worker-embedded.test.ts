import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent, Alert } from '@tokenwarden/core';
import { createIpIntel } from '@tokenwarden/detection';
import type { ActionOutcome } from '@tokenwarden/response';
import { createRepositories, type Database, openDatabase, type Repositories } from '@tokenwarden/store';
import { openTokenService, type TokenService } from '@tokenwarden/token-service';
import { allMigrations } from '../../src/migrations.js';
import { type RunningWorker, startWorker } from '../../src/worker/start-worker.js';
import { aliceBaseline, attackerBurst, BUS, sleep, until } from './attack-fixture.js';

// Loaded once: the shipped city and ASN databases take a moment to open.
const intel = createIpIntel();

// The embedded default: the gateway and token service of other processes write events to the
// shared SQLite store; the worker tails it, detects, groups into incidents and contains.
describe('tokenwarden worker on the embedded default (store tail)', () => {
  let dir: string;
  let database: Database;
  let repos: Repositories;
  let service: TokenService;
  let worker: RunningWorker | undefined;
  let keyId: string;
  let rawKey: string;
  let baseline: AccessEvent[];
  const alerts: Alert[] = [];
  const outcomes: ActionOutcome[] = [];
  const logs: string[] = [];

  const start = () =>
    startWorker({
      database,
      bus: BUS,
      snapshotEveryMs: 0,
      intel,
      tail: { pollMs: 25, latenessMs: 2000 },
      response: { admin: service.admin, gateway: { send: (order) => repos.controlOrders.append(order).then(() => {}) }, sweepDelaysMs: [] },
      onAlert: (a) => alerts.push(a),
      onAction: (_i, o) => outcomes.push(o),
      log: (m) => logs.push(m),
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-worker-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    repos = createRepositories(database);
    service = await openTokenService({ dataDir: dir, database, issuer: 'http://127.0.0.1:9', audience: 'https://api.test' });
    await service.admin.createUser({ login: 'alice', password: 'correct horse battery staple' });
    const key = await service.admin.createApiKey({ subject: 'alice', scopes: ['read', 'admin'] });
    keyId = key.id;
    rawKey = key.key;
    baseline = aliceBaseline(keyId);
  });
  after(async () => {
    await worker?.stop().catch(() => {});
    await service?.close().catch(() => {});
    await database?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('learns the baseline from stored events without alerting on it', async () => {
    worker = await start();
    assert.equal(worker.restoredVersion, undefined);
    await repos.accessEvents.insertMany(baseline);
    await until('the baseline to be processed', () => (worker as RunningWorker).stats().events >= baseline.length);
    await worker.idle();
    assert.equal(worker.stats().events, baseline.length);
    assert.ok(!alerts.some((a) => a.severity === 'high' || a.severity === 'critical'), JSON.stringify(alerts.map((a) => a.rule)));
  });

  it('alerts on the attacker burst, opens an incident and revokes the key through the token service', async () => {
    const running = worker as RunningWorker;
    await repos.accessEvents.insertMany(attackerBurst(keyId, Date.now() - 2000));
    await until('the burst to be processed', () => running.stats().events >= baseline.length + 9);
    await until('containment', () => outcomes.some((o) => o.action.kind === 'revoke' && o.status === 'done'));
    await running.idle();

    const stored = await repos.alerts.list({ credential: keyId, limit: 1000 });
    assert.ok(stored.length > 0, 'alerts are stored');
    assert.ok(
      stored.some((a) => a.severity === 'critical'),
      `a critical alert: ${JSON.stringify(stored.map((a) => [a.rule, a.severity]))}`,
    );
    assert.deepEqual(new Set(stored.map((a) => a.id)), new Set(alerts.map((a) => a.id)), 'every stored alert reached response');
    const incidents = await repos.incidents.list({ credential_id: keyId });
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0]?.status, 'contained');
    assert.equal((await service.view.findKey(rawKey))?.status, 'revoked');
    const orders = await repos.controlOrders.since(0);
    assert.ok(orders.length > 0, 'a block order reached the control log');
  });

  it('after a restart, resumes from its cursor (no re-alert) with the baseline restored', async () => {
    const before = await repos.alerts.list({ credential: keyId, limit: 1000 });
    const learned = (worker as RunningWorker).engine.stats();
    await (worker as RunningWorker).stop();
    alerts.length = 0;
    outcomes.length = 0;

    worker = await start();
    assert.ok(worker.restoredVersion !== undefined && worker.restoredVersion >= 1, logs.join('\n'));
    const restored = worker.engine.stats();
    assert.equal(restored.events, learned.events, 'the restored engine learned every event before the stop');
    assert.equal(restored.credentials, learned.credentials);

    // Several polls over the same stored events: nothing is read again.
    await sleep(300);
    await worker.idle();
    assert.equal(worker.stats().events, 0, 'no stored event is processed twice');
    assert.deepEqual(alerts, []);
    assert.equal((await repos.alerts.list({ credential: keyId, limit: 1000 })).length, before.length);

    // New events still flow after the restart, into the restored engine.
    const habitual: AccessEvent = { ...(baseline.at(-1) as AccessEvent), id: 'evt_after_restart', time: new Date().toISOString() };
    await repos.accessEvents.insertMany([habitual]);
    await until('the new event to be processed', () => (worker as RunningWorker).stats().events === 1);
    await worker.idle();
    assert.equal(worker.engine.stats().events, learned.events + 1);
  });
});
