import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRepositories, openDatabase } from '@tokenwarden/store';
import { allMigrations } from '../../src/migrations.js';
import { runCli } from '../support/run-cli.js';

// On the embedded default the worker runs in another process and reads lifecycle events from the shared store.
// The token service's events (a key created, a key revoked) used to go to an in-process bus nobody listened to,
// so detection never learned that a key had been revoked from the command line.
describe('token-service lifecycle events on the embedded default', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tw-cli-lifecycle-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keys create and revoke, each in its own process, leave their events in the store for the worker', async () => {
    const created = await runCli(['keys', 'create', '--subject', 'svc-billing', '--scopes', 'echo.read', '--data', dir, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { id: string };
    const revoked = await runCli(['revoke', key.id, '--data', dir, '--json']);
    assert.equal(revoked.code, 0, revoked.stderr);

    const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    try {
      const events = await createRepositories(database).lifecycleEvents.query({ credential_id: key.id });
      const types = events.map((e) => e.type);
      assert.ok(types.includes('token.revoked'), `token.revoked in ${JSON.stringify(types)}`);
      for (const e of events) assert.equal(e.source_system, 'token-service');
    } finally {
      await database.close();
    }
  });
});
