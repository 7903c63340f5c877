import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AccessEvent, seededRandom } from '@tokenwarden/core';
import { EngineStateStore } from '@tokenwarden/detection';
import { createRepositories, type Database, openDatabase } from '@tokenwarden/store';
import { history } from '../../src/demo/traffic.js';
import { allMigrations } from '../../src/migrations.js';
import { CliSlot, startCliUntil } from '../support/run-cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The command as an operator runs it, in its own process: the test plays the gateway of another
// process by writing access events to the shared store, and reads the alert lines on stdout.
describe('tokenwarden worker (command, separate process)', () => {
  let dir: string;
  let database: Database;
  const worker = new CliSlot('worker');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-worker-cmd-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    worker.set(
      await startCliUntil(['worker', '--data', dir, '--no-respond', '--json', '--snapshot-every', '1s'], {
        env: { ...process.env, TOKENWARDEN_FROM_SOURCE: '1', TOKENWARDEN_DEBUG: '' },
        ready: 'worker: consuming',
        timeoutMs: 60_000,
      }),
    );
  });
  after(async () => {
    worker.stop();
    await database?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one JSON line per alert for events another process writes, and exits 0 on SIGTERM with its state saved', async () => {
    const repos = createRepositories(database);
    const baseline = history(
      {
        persona: { name: 'alice', ip: '91.64.12.34', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/605.1.15' },
        credentialId: 'key_cmd_alice',
        principal: 'alice',
        utcOffset: 1,
        hours: [8, 19],
        weekdaysOnly: true,
        requestsPerDay: 20,
        paths: ['/api/me', '/api/projects'],
      },
      21,
      Date.now(),
      seededRandom(3),
    );
    await repos.accessEvents.insertMany(baseline);
    const now = Date.now() - 1000;
    const burst: AccessEvent[] = [
      ['GET', '/api/me', 200],
      ['GET', '/api/admin/export', 200],
      ['GET', '/api/admin/settings', 200],
      ['POST', '/api/admin/keys', 201],
      ['POST', '/api/admin/users', 201],
      ['PUT', '/api/admin/alerts', 200],
    ].map(([method, path, status], i) => ({
      id: `evt_cmd_attack_${i}`,
      time: new Date(now + i * 50).toISOString(),
      credential_id: 'key_cmd_alice',
      credential_kind: 'api_key',
      principal: 'alice',
      source_ip: '159.89.214.31',
      user_agent: 'curl/8.5.0',
      method: String(method),
      path: String(path),
      outcome: 'success',
      status: Number(status),
      source_system: 'gateway',
    }));
    await repos.accessEvents.insertMany(burst);

    const deadline = Date.now() + 30_000;
    const alertLines = () =>
      worker.current.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; credential: string; severity: string; rule: string });
    while (!alertLines().some((a) => a.severity === 'critical')) {
      if (Date.now() > deadline) throw new Error(`no critical alert line:\n${worker.current.stdout}\n${worker.current.stderr}`);
      await sleep(100);
    }
    for (const line of alertLines()) {
      assert.equal(line.type, 'alert');
      assert.equal(line.credential, 'key_cmd_alice');
    }
    // --no-respond: no action lines, the incident is still grouped.
    const stored = await repos.alerts.list({ credential: 'key_cmd_alice', limit: 100 });
    assert.ok(stored.length >= alertLines().length);
    const grouped = async () => (await repos.incidents.list({ credential_id: 'key_cmd_alice' })).length;
    while ((await grouped()) === 0 && Date.now() < deadline) await sleep(100);
    assert.equal(await grouped(), 1, 'the alerts are grouped into one incident');

    worker.current.child.kill('SIGTERM');
    const [code] = (await once(worker.current.child, 'exit')) as [number | null];
    assert.equal(code, 0, worker.current.stderr);
    assert.match(worker.current.stderr, /saved engine state v\d+/);
    const saved = await new EngineStateStore(database).load('engine:detection');
    assert.ok(saved && saved.data.length > 0);
    const cursor = await new EngineStateStore(database).load('tail:detection');
    assert.ok(cursor, 'the tail cursor is saved');
  });
});
