import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyWebhookSignature } from '@tokenwarden/response';
import { createRepositories, type Database, openDatabase } from '@tokenwarden/store';
import { startReceiver } from '../../../response/test/signals/receiver.js';
import { allMigrations } from '../../src/migrations.js';
import { CliSlot, startCliUntil } from '../support/run-cli.js';
import { aliceBaseline, attackerBurst, sleep } from './attack-fixture.js';

// The entry point itself (not the bin wrapper), so SIGTERM reaches the worker.
const SECRET = 'command-hook-secret-0123456789';

// The command as an operator runs it: one tokenwarden.yaml with store, log and response sections,
// the hook secret from the environment, the response API on --listen; alerts reach a real local
// receiver signed, the API refuses an anonymous caller, and the secret never reaches the output.
describe('tokenwarden worker --config tokenwarden.yaml --listen (separate process)', () => {
  let dir: string;
  let database: Database;
  const worker = new CliSlot('worker');
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'tw-worker-config-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    const file = join(dir, 'tokenwarden.yaml');
    writeFileSync(
      file,
      [
        `data: ${dir}`,
        'store: { driver: sqlite }',
        'log: { level: info }',
        'response:',
        '  webhooks:',
        `    - url: ${receiver.url}/hook`,
        '      secret_env: TW_TEST_CMD_HOOK',
        '      min_severity: medium',
        '  auto: { dry_run: true, max_actions_per_minute: 5 }',
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOKENWARDEN_')) env[k] = v;
    worker.set(
      await startCliUntil(['worker', '--config', file, '--listen', '127.0.0.1:0', '--json', '--snapshot-every', '1s'], {
        env: { ...env, TOKENWARDEN_FROM_SOURCE: '1', TW_TEST_CMD_HOOK: SECRET },
        ready: 'worker: consuming',
        timeoutMs: 90_000,
      }),
    );
  });
  after(async () => {
    worker.stop();
    await database?.close().catch(() => {});
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends signed webhooks per the config, serves the API, and never prints the secret', async () => {
    assert.match(worker.current.stderr, /responding \(dry run\); signals to 1 webhook\(s\), 0 SSF receiver\(s\)/);
    const url = /response API listening on (http:\/\/\S+)/.exec(worker.current.stderr)?.[1];
    assert.ok(url, worker.current.stderr);
    const anonymous = await fetch(`${url}/v1/incidents`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm="tokenwarden"/);

    const repos = createRepositories(database);
    await repos.accessEvents.insertMany(aliceBaseline('key_cfg_alice'));
    await sleep(1000);
    await repos.accessEvents.insertMany(attackerBurst('key_cfg_alice', Date.now() - 2000, 'evt_cfg_attack_'));
    const deadline = Date.now() + 60_000;
    while (!receiver.received.some((r) => JSON.parse(r.body).type === 'action')) {
      if (Date.now() > deadline)
        throw new Error(`no action webhook:\n${worker.current.stderr}\n${receiver.received.map((r) => r.body).join('\n')}`);
      await sleep(100);
    }
    for (const r of receiver.received) {
      assert.ok(verifyWebhookSignature(SECRET, r.headers['x-tokenwarden-signature'] as string | undefined, r.body), r.body);
    }
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as { type: string; severity?: string; data: { status?: string } });
    assert.ok(bodies.some((b) => b.type === 'alert'));
    assert.ok(
      bodies.every((b) => b.severity !== 'low'),
      'min_severity: medium',
    );
    assert.ok(
      bodies.filter((b) => b.type === 'action').every((b) => b.data.status === 'dry_run'),
      'auto.dry_run from the file',
    );

    worker.current.child.kill('SIGTERM');
    const [code] = (await once(worker.current.child, 'exit')) as [number | null];
    assert.equal(code, 0, worker.current.stderr);
    assert.ok(!`${worker.current.stdout}${worker.current.stderr}`.includes(SECRET), 'the hook secret is never printed');
  });
});
