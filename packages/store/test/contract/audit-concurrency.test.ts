import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StoreConfig } from '@tokenwarden/config';
import { createRepositories, type Database, type Repositories } from '@tokenwarden/store';
import { forEachDialect } from '@tokenwarden/store/testing';
import { sql } from 'kysely';

const WORKER = fileURLToPath(new URL('./fixtures/append-worker.ts', import.meta.url));
// Each child process pays a tsx start-up, so two are enough to race against each other and the parent.
const WORKERS = 2;
const PER_WORKER = 15;

function runWorker(store: StoreConfig, dataDir: string, worker: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', WORKER, JSON.stringify(store), dataDir, String(PER_WORKER), String(worker)],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${worker} exited ${code}: ${stderr.slice(-2000)}`))));
  });
}

forEachDialect('audit log under concurrent appenders', (t) => {
  it('never forks the chain (nor half-applies a migration) when several processes and connections race', async () => {
    const { dialect, where, repos } = t();
    const appendFrom = (r: Repositories, actor: string) =>
      Array.from({ length: PER_WORKER }, (_, i) => r.audit.append({ actor, action: 'test.append', details: { i } }));
    const racers: Promise<unknown>[] = [...appendFrom(repos, 'parent')];
    const extra: Database[] = [];
    if (dialect === 'sqlite') {
      // better-sqlite3 waits for a lock synchronously, so a second connection in this process would stall the
      // first: race real processes instead.
      for (let w = 0; w < WORKERS; w++) racers.push(runWorker({ driver: 'sqlite' }, where, w));
    } else {
      for (let w = 0; w < WORKERS; w++) {
        const database = await t().reopen();
        extra.push(database);
        racers.push(...appendFrom(createRepositories(database), `worker-${w}`));
      }
    }
    try {
      await Promise.all(racers);
    } finally {
      for (const database of extra) await database.close();
    }
    const total = (WORKERS + 1) * PER_WORKER;
    const result = await repos.audit.verify();
    assert.deepEqual(result.problems, []);
    assert.equal(result.checked, total);
    assert.equal(result.head_seq, total);
    const entries = await repos.audit.list({ limit: total });
    assert.deepEqual(
      entries.map((e) => e.seq),
      Array.from({ length: total }, (_, i) => i + 1),
    );
    for (let w = 0; w < WORKERS; w++) assert.equal(entries.filter((e) => e.actor === `worker-${w}`).length, PER_WORKER);
    if (dialect === 'sqlite') {
      // Both workers raced to apply the same new migration: exactly one applied it, neither failed.
      const { rows } = await sql<{ id: string }>`select id from worker_race`.execute(t().database.db);
      assert.deepEqual(rows, [{ id: 'applied once' }]);
    }
  });
});
