import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent, Alert } from '@tokenwarden/core';
import { createDetectionEngine, createEnricher, createIpIntel, fromAccessEvent } from '@tokenwarden/detection';
import { FeedbackLog } from '@tokenwarden/response';
import { createRepositories, type Database, openDatabase, type Repositories } from '@tokenwarden/store';
import { allMigrations } from '../../src/migrations.js';
import { type RunningWorker, startWorker } from '../../src/worker/start-worker.js';
import { runCli } from '../support/run-cli.js';
import { ALICE, ATTACKER_IP, aliceBaseline, attackerBurst, BUS, until } from './attack-fixture.js';

const intel = createIpIntel();
const enrich = createEnricher({ ipIntel: intel });

/** Habitual requests (Alice's browser, her usual pages) from `ip`. */
function trip(credentialId: string, idPrefix: string, start: number, ip: string): AccessEvent[] {
  return ['/api/me', '/api/projects', '/api/projects/1', '/api/users'].map((path, i) => ({
    id: `${idPrefix}${i}`,
    time: new Date(start + i * 1000).toISOString(),
    credential_id: credentialId,
    credential_kind: 'api_key',
    principal: 'alice',
    source_ip: ip,
    user_agent: ALICE.userAgent,
    method: 'GET',
    path,
    outcome: 'success',
    status: 200,
    bytes_out: 800,
    source_system: 'gateway',
  }));
}

// A false-positive verdict given with the CLI, in another process, reaches the running worker
// through the store: the worker learns the incident's events, so the new place and client join
// Alice's baseline (a control principal, never corrected, is judged as before); and a restarted
// worker neither loses nor re-applies it.
describe('false-positive feedback across processes', () => {
  let dir: string;
  let database: Database;
  let repos: Repositories;
  let worker: RunningWorker | undefined;
  const alerts: Alert[] = [];
  const logs: string[] = [];
  const start = () =>
    startWorker({
      database,
      bus: BUS,
      snapshotEveryMs: 0,
      intel,
      feedbackPollMs: 50,
      tail: { pollMs: 25, latenessMs: 2000 },
      onAlert: (a) => alerts.push(a),
      log: (m) => logs.push(m),
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-feedback-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    repos = createRepositories(database);
  });
  after(async () => {
    await worker?.stop().catch(() => {});
    await database?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('the verdict of another process teaches the running engine: the same trip no longer alerts', async () => {
    worker = await start();
    const running = worker;
    const baseline = [
      ...aliceBaseline('key_fb_alice'),
      ...aliceBaseline('key_fb_control').map((e) => ({ ...e, id: `${e.id}_c`, principal: 'bob' })),
    ];
    await repos.accessEvents.insertMany(baseline);
    await until('the baseline to be processed', () => running.stats().events >= baseline.length, 60_000);
    await running.idle(30_000);
    alerts.length = 0;
    // The store tail reads in time order: new events are newer than everything stored.
    const now = Date.now();
    await repos.accessEvents.insertMany([
      ...attackerBurst('key_fb_alice', now - 2000, 'evt_burst_a_'),
      ...attackerBurst('key_fb_control', now - 2000, 'evt_burst_c_').map((e) => ({ ...e, principal: 'bob' })),
    ]);
    await until('the bursts to be processed', () => running.stats().events >= baseline.length + 18, 60_000);
    await running.idle(30_000);
    const first = alerts.filter((a) => a.credential === 'key_fb_alice');
    assert.ok(first.length > 0, 'the burst alerts');
    assert.ok(
      alerts.some((a) => a.credential === 'key_fb_control'),
      'so does the control credential',
    );
    const [incident] = await repos.incidents.list({ credential_id: 'key_fb_alice' });
    assert.ok(incident, 'the alerts are grouped into an incident');

    const beforeVerdict = running.engine.snapshot();
    const cli = await runCli([
      'incidents',
      'false-positive',
      incident.id,
      '--data',
      dir,
      '--reason',
      'alice at the London office',
      '--json',
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).status, 'false_positive');
    const recorded = await new FeedbackLog(database).since(undefined);
    assert.equal(recorded.length, 1, 'the verdict is in the store');
    assert.deepEqual(recorded[0]?.incident_id, incident.id);
    await until('the worker to apply the verdict', () => running.stats().feedback === 1);
    assert.ok(
      logs.some((l) => /false positive .*learned [1-9]\d* event/.test(l)),
      logs.join('\n'),
    );

    // The same probe, judged by the engine as it was before the verdict and as the worker's engine is now. A day
    // later: novelty seen again within a day is not alerted on twice, and the question is what the baseline holds.
    const probe = (credential: string, principal: string) => {
      const e = fromAccessEvent({
        ...trip(credential, `evt_probe_${credential}_`, Date.now() + 26 * 3_600_000, ATTACKER_IP)[0]!,
        principal,
        user_agent: 'curl/8.5.0',
      });
      return enrich(e!);
    };
    const judge = (bytes: Uint8Array, credential: string, principal: string) => {
      const engine = createDetectionEngine();
      engine.restore(bytes);
      const rules = engine.process(probe(credential, principal)).map((a) => a.rule);
      return rules.filter((r) => r === 'new_place' || r === 'new_client');
    };
    const afterVerdict = running.engine.snapshot();
    const before = judge(beforeVerdict, 'key_fb_alice', 'alice');
    assert.ok(before.includes('new_place') || before.includes('new_client'), `before the verdict the place is new: ${before}`);
    assert.deepEqual(judge(afterVerdict, 'key_fb_alice', 'alice'), [], "after the verdict the attacker-looking source is Alice's normal");
    assert.deepEqual(
      judge(afterVerdict, 'key_fb_control', 'bob'),
      judge(beforeVerdict, 'key_fb_control', 'bob'),
      'Bob, never corrected, is judged as before',
    );
    assert.ok(judge(afterVerdict, 'key_fb_control', 'bob').length > 0);
  });

  it('a restarted worker neither loses nor re-applies the verdict', async () => {
    await (worker as RunningWorker).stop();
    worker = await start();
    await worker.pollFeedback();
    assert.equal(worker.stats().feedback, 0, 'the saved cursor says it is applied');
    // A verdict recorded while no worker runs is applied at the next start.
    await (worker as RunningWorker).stop();
    const [incident] = await repos.incidents.list({ credential_id: 'key_fb_control' });
    assert.ok(incident);
    const alertsOfIncident = await repos.alerts.list({ incident_id: incident.id, limit: 100 });
    await new FeedbackLog(database).record(incident, alertsOfIncident);
    worker = await start();
    assert.equal(worker.stats().feedback, 1);
  });
});
