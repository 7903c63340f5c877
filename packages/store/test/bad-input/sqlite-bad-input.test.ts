import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isErrorCode } from '@tokenwarden/core';
import { createRepositories, type Migration, openDatabase, storeMigrations } from '@tokenwarden/store';

const STORE_PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const OPEN_AS_USER = fileURLToPath(new URL('./fixtures/open-as-user.ts', import.meta.url));
const DB_NAME = 'tokenwarden.db';

const pendingMigration: Migration = {
  name: 'store-9999-test-pending',
  async up(db) {
    await db.schema.createTable('pending_test').addColumn('id', 'text').execute();
  },
};

function fileDigest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Seeds a store with an audit entry and an event; returns the data directory. */
async function seededStore(root: string, name: string): Promise<string> {
  const dir = join(root, name);
  const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: storeMigrations });
  const repos = createRepositories(database);
  await repos.audit.append({ actor: 'alice', action: 'seed' });
  await repos.accessEvents.insertMany([{ id: 'evt_seed', time: new Date().toISOString(), outcome: 'success', source_system: 'native' }]);
  await database.close();
  return dir;
}

/** Starts a plain-node child (no tsx: it must start fast) that takes a lock on `file` and holds it until killed. */
async function holdLock(file: string, mode: 'writer' | 'exclusive'): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    ${mode === 'exclusive' ? "db.pragma('locking_mode = EXCLUSIVE');" : ''}
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS lock_holder (x)');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { cwd: STORE_PACKAGE, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}: ${err}`)));
  });
  return child;
}

async function release(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('SQLite store under bad conditions', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'tw-store-bad-'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('reports TW_STORE_LOCKED quickly while another process holds the write lock, and loses nothing', async () => {
    const dir = await seededStore(root, 'locked-writer');
    const holder = await holdLock(join(dir, DB_NAME), 'writer');
    try {
      const started = Date.now();
      await assert.rejects(
        openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: [...storeMigrations, pendingMigration], busyTimeoutMs: 200 }),
        (e: unknown) => isErrorCode(e, 'TW_STORE_LOCKED') && /locked by another process/.test(e.message) && e.hint !== undefined,
      );
      // With nothing to migrate the store opens; reads work (WAL), writes report the lock.
      const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: storeMigrations, busyTimeoutMs: 200 });
      try {
        const repos = createRepositories(database);
        assert.equal(await repos.accessEvents.count(), 1);
        await assert.rejects(repos.audit.append({ actor: 'bob', action: 'blocked' }), (e: unknown) => isErrorCode(e, 'TW_STORE_LOCKED'));
      } finally {
        await database.close();
      }
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    } finally {
      await release(holder);
    }
    const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: storeMigrations });
    try {
      const repos = createRepositories(database);
      assert.equal((await repos.audit.append({ actor: 'bob', action: 'after' })).seq, 2);
      const verified = await repos.audit.verify();
      assert.equal(verified.ok, true);
      assert.equal(verified.checked, 2);
    } finally {
      await database.close();
    }
  });

  it('reports TW_STORE_LOCKED when another process holds the file in exclusive locking mode', async () => {
    const dir = await seededStore(root, 'locked-exclusive');
    const holder = await holdLock(join(dir, DB_NAME), 'exclusive');
    try {
      await assert.rejects(
        openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: storeMigrations, busyTimeoutMs: 200 }),
        (e: unknown) => isErrorCode(e, 'TW_STORE_LOCKED'),
      );
    } finally {
      await release(holder);
    }
    const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: storeMigrations });
    assert.equal((await createRepositories(database).audit.verify()).ok, true);
    await database.close();
  });

  it('reports TW_STORE_CORRUPT for a file that is not a database, and leaves it untouched', async () => {
    for (const [name, bytes] of [
      ['garbage', Buffer.from('this is not a database\n'.repeat(300))],
      ['bad-pages', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0xab)])],
    ] as const) {
      const dir = join(root, `corrupt-${name}`);
      mkdirSync(dir);
      const file = join(dir, DB_NAME);
      writeFileSync(file, bytes);
      const before = fileDigest(file);
      await assert.rejects(
        openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: storeMigrations }),
        (e: unknown) => isErrorCode(e, 'TW_STORE_CORRUPT') && e.message.includes(file) && /backup/.test(e.hint ?? ''),
        name,
      );
      assert.equal(fileDigest(file), before, `${name}: the corrupt file must not be modified`);
    }
  });

  it('reports TW_PERMISSION_DENIED when the data path cannot be a directory', async () => {
    const blocker = join(root, 'a-regular-file');
    writeFileSync(blocker, 'x');
    await assert.rejects(
      openDatabase({ store: { driver: 'sqlite' }, dataDir: join(blocker, 'data'), migrations: storeMigrations }),
      (e: unknown) => isErrorCode(e, 'TW_PERMISSION_DENIED') && e.message.includes(blocker),
    );
    await assert.rejects(
      openDatabase({ store: { driver: 'sqlite', file: '/proc/tokenwarden-test.db' }, dataDir: root, migrations: storeMigrations }),
      (e: unknown) => isErrorCode(e, 'TW_PERMISSION_DENIED') && e.message.includes('/proc/tokenwarden-test.db'),
    );
  });

  it('reports TW_PERMISSION_DENIED to a user who cannot write the data directory, and leaves the store intact', async (t) => {
    const dir = await seededStore(root, 'read-only');
    const file = join(dir, DB_NAME);
    const before = fileDigest(file);
    chmodSync(dir, 0o755);
    chmodSync(file, 0o644);
    const isRoot = process.getuid?.() === 0;
    if (!isRoot) chmodSync(dir, 0o555);
    // Root ignores permission bits, so as root the check runs in a child process as "nobody".
    const result = await new Promise<string>((resolve, reject) => {
      chmodSync(root, 0o755);
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', OPEN_AS_USER, dir], {
        cwd: STORE_PACKAGE,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(isRoot ? { uid: 65534, gid: 65534 } : {}),
        env: { ...process.env, HOME: tmpdir() },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString();
      });
      child.on('error', reject);
      child.on('close', () => (out ? resolve(out) : reject(new Error(`child printed nothing: ${err.slice(-1500)}`))));
    });
    if (!isRoot) chmodSync(dir, 0o755);
    const outcome = JSON.parse(result) as { code?: string; message?: string; crash?: string };
    t.diagnostic(result);
    assert.equal(outcome.code, 'TW_PERMISSION_DENIED', result);
    assert.match(outcome.message ?? '', /not writable|cannot write/);
    assert.equal(fileDigest(file), before);
    assert.equal(existsSync(join(dir, `${DB_NAME}-journal`)), false);
  });
});
