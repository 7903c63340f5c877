import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '@tokenwarden/store';
import { openTokenService } from '@tokenwarden/token-service';
import { allMigrations } from '../../src/migrations.js';
import { type CliRun, runCli } from '../support/run-cli.js';

// Every containment action is available by hand on the command line, with a dry run, and the CLI
// refuses what the response API refuses (a limit out of range, an empty or unprintable reason,
// a report on nothing).
describe('containment actions by hand (CLI)', () => {
  let root: string;
  let data: string;
  let keyId: string;
  let keyValue: string;
  const cli = (...args: string[]) => runCli([...args, '--data', data]);
  const json = (run: CliRun) => JSON.parse(run.stdout) as { status: string; action: { kind: string; target: string } };
  const refused = (run: CliRun, code: string) => {
    assert.equal(run.code, 2, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, new RegExp(`^error ${code}: `, 'm'), run.stderr);
  };
  let keyStatus: () => Promise<string | undefined>;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tw-cli-actions-'));
    data = join(root, 'data');
    const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: data, migrations: allMigrations });
    const service = await openTokenService({ dataDir: data, database, issuer: 'http://127.0.0.1:9', audience: 'https://api.test' });
    await service.admin.createUser({ login: 'alice', password: 'correct horse battery staple' });
    const k = await service.admin.createApiKey({ subject: 'alice', scopes: ['read'] });
    keyId = k.id;
    keyValue = k.key;
    await service.admin.createServiceAccount({ name: 'buildbot', owner: 'alice', scopes: ['api'] });
    await service.close();
    await database.close();
    keyStatus = async () => {
      const db = await openDatabase({ store: { driver: 'sqlite' }, dataDir: data, migrations: allMigrations });
      const s = await openTokenService({ dataDir: data, database: db, issuer: 'http://127.0.0.1:9', audience: 'https://api.test' });
      try {
        return (await s.view.findKey(keyValue))?.status;
      } finally {
        await s.close();
        await db.close();
      }
    };
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('dry runs of revoke, sign-out, block, suspend and rotation change nothing', async () => {
    const runs = [
      await cli('revoke', keyId, '--dry-run', '--json'),
      await cli('signout', '--subject', 'alice', '--dry-run', '--json'),
      await cli('block', '--ip', '203.0.113.9', '--dry-run', '--json'),
      await cli('suspend', keyId, '--dry-run', '--json'),
      await cli('service-accounts', 'rotate', 'buildbot', '--dry-run', '--json'),
    ];
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(json(run).status, 'dry_run', run.stdout);
    }
    assert.equal(await keyStatus(), 'active');
  });

  it('blocks an address or a network, and refuses loopback or a malformed value', async () => {
    const ip = await cli('block', '--ip', '203.0.113.0/24', '--reason', 'INC-42', '--json');
    assert.equal(ip.code, 0, ip.stderr);
    assert.deepEqual([json(ip).status, json(ip).action.kind], ['done', 'block_ip']);
    const asn = await cli('block', '--asn', '14061', '--json');
    assert.deepEqual([json(asn).status, json(asn).action.target], ['done', '14061']);
    refused(await cli('block', '--ip', '127.0.0.1'), 'TW_USAGE');
    refused(await cli('block', '--ip', '999.1.1.1'), 'TW_USAGE');
  });

  it('suspends a key reversibly, and reinstates it', async () => {
    const s = await cli('suspend', keyId, '--reason', 'minted by the thief', '--json');
    assert.equal(json(s).status, 'done', s.stderr);
    assert.equal(await keyStatus(), 'suspended');
    const r = await cli('reinstate', keyId, '--reason', 'the owner made it', '--json');
    assert.equal(json(r).status, 'done', r.stderr);
    assert.equal(await keyStatus(), 'active');
  });

  it('refuses what the API refuses: a limit out of range, an empty, overlong or unprintable reason', async () => {
    const runs = await Promise.all([
      cli('incidents', 'list', '--limit', '0'),
      cli('incidents', 'list', '--limit', 'abc'),
      cli('incidents', 'resolve', 'inc_x', '--reason', ''),
      cli('incidents', 'resolve', 'inc_x', '--reason', 'x'.repeat(600)),
      cli('revoke', keyId, '--reason', 'ok \u202Efdp.exe'),
    ]);
    for (const run of runs) refused(run, 'TW_USAGE');
    assert.equal(await keyStatus(), 'active', 'the refused revoke did nothing');
  });

  it('a report on a credential nothing names, an empty id or a store that is not there is an error, not an empty report', async () => {
    const none = join(root, 'none');
    const [unknown, empty, missing] = await Promise.all([
      cli('report', 'key_nosuch'),
      cli('report', ''),
      runCli(['report', 'key_x', '--data', none]),
    ]);
    refused(unknown, 'TW_NOT_FOUND');
    refused(empty, 'TW_USAGE');
    refused(missing, 'TW_NOT_FOUND');
    assert.equal(existsSync(none), false, 'no store is created where there was none');
  });
});
