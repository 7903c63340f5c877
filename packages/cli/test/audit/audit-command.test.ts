import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRepositories, openDatabase } from '@tokenwarden/store';
import BetterSqlite3 from 'better-sqlite3';
import { allMigrations } from '../../src/migrations.js';
import { runCli } from '../support/run-cli.js';

const cli = (...args: string[]) => runCli(args);

async function seed(dir: string, entries: number): Promise<void> {
  // Fully migrated here, so the CLI runs below only read and can share a store concurrently.
  const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
  const { audit } = createRepositories(database);
  for (let i = 1; i <= entries; i++)
    await audit.append({ actor: 'alice', action: 'credential.revoke', target: `cred_${i}`, reason: 'leaked' });
  await database.close();
}

describe('tokenwarden audit and migrate', () => {
  let root: string;
  const dirs = { intact: '', tampered: '', corrupt: '', fresh: '' };
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tw-cli-audit-'));
    for (const name of Object.keys(dirs) as (keyof typeof dirs)[]) dirs[name] = join(root, name);
    await seed(dirs.intact, 3);
    await seed(dirs.tampered, 4);
    // Tamper the way an attacker with file access would: drop the guard trigger, edit a row.
    const native = new BetterSqlite3(join(dirs.tampered, 'tokenwarden.db'));
    native.exec('DROP TRIGGER audit_log_no_update');
    native.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`).run();
    native.close();
    mkdirSync(dirs.corrupt);
    writeFileSync(join(dirs.corrupt, 'tokenwarden.db'), 'not a database\n'.repeat(100));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('verifies, lists, detects tampering, reports errors and migrates (exit 0 / 1 / 2)', async () => {
    // One batch of concurrent runs: each CLI start loads every package, so keep their number small.
    const [intact, tampered, listed, corrupt, migrated] = await Promise.all([
      cli('audit', 'verify', '--data', dirs.intact, '--json'),
      cli('audit', 'verify', '--data', dirs.tampered),
      cli('audit', 'list', '--data', dirs.intact, '--limit', '2', '--json'),
      cli('audit', 'verify', '--data', dirs.corrupt),
      cli('migrate', '--data', dirs.fresh, '--json'),
    ]);

    assert.equal(intact.code, 0, intact.stderr);
    const verdict = JSON.parse(intact.stdout) as { ok: boolean; checked: number; head_seq: number; head_hash: string; problems: unknown[] };
    assert.deepEqual(
      { ok: verdict.ok, checked: verdict.checked, head_seq: verdict.head_seq, problems: verdict.problems },
      { ok: true, checked: 3, head_seq: 3, problems: [] },
    );
    assert.match(verdict.head_hash, /^[0-9a-f]{64}$/);

    assert.equal(tampered.code, 1, tampered.stderr);
    assert.match(tampered.stdout, /audit log TAMPERED: 1 problem\(s\) in 4 entries/);
    assert.match(tampered.stdout, /seq 2 {2}modified {2}entry 2 \(credential\.revoke\) does not match its hash/);

    assert.equal(listed.code, 0, listed.stderr);
    const entries = JSON.parse(listed.stdout) as { seq: number; actor: string; target: string }[];
    assert.deepEqual(
      entries.map((e) => [e.seq, e.target]),
      [
        [2, 'cred_2'],
        [3, 'cred_3'],
      ],
      'the newest entries, oldest first',
    );

    assert.equal(corrupt.code, 2);
    assert.match(corrupt.stderr, /^error TW_STORE_CORRUPT: /m);
    assert.match(corrupt.stderr, /^hint: /m);
    assert.doesNotMatch(corrupt.stderr, /\n\s+at /, 'no stack trace');

    assert.equal(migrated.code, 0, migrated.stderr);
    const report = JSON.parse(migrated.stdout) as { applied: string[]; total: number };
    assert.ok(report.applied.includes('store-0001-core'), migrated.stdout);
    assert.equal(report.applied.length, report.total);
  });
});
