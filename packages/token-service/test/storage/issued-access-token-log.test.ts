import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '@tokenwarden/store';
import { IssuedAccessTokenLog } from '../../src/storage/issued-access-tokens.js';
import { tokenServiceMigrations } from '../../src/storage/migrations.js';
import { typed } from '../../src/storage/schema.js';

// Recording each issued jti in its own insert halved client_credentials issuance on SQLite: the log batches them,
// and must still answer for a token the moment it is issued, and for another process once written.
describe('the batched record of issued access tokens', () => {
  let dataDir: string;
  let database: Database;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-issued-log-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir, migrations: tokenServiceMigrations });
  });
  after(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds a token at once in this process, and in another after the batch is written', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const log = new IssuedAccessTokenLog(typed(database.db), 60_000);
    for (let i = 0; i < 3; i++) log.record({ jti: `jti-${i}`, clientId: 'cl_1', expiresAt: exp });
    assert.deepEqual(await log.find('jti-1'), { jti: 'jti-1', clientId: 'cl_1', expiresAt: exp }, 'pending, found at once');
    const other = new IssuedAccessTokenLog(typed(database.db));
    assert.equal(await other.find('jti-1'), undefined, 'not yet written (the delay is a minute here)');
    await log.flush();
    assert.deepEqual(await other.find('jti-2'), { jti: 'jti-2', clientId: 'cl_1', expiresAt: exp }, 'written in one batch');
    assert.equal(await other.find('made-up'), undefined);
  });

  it('writes by itself after its delay, and a batch as soon as it is full', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const reader = new IssuedAccessTokenLog(typed(database.db));
    const timed = new IssuedAccessTokenLog(typed(database.db), 10);
    timed.record({ jti: 'timed', expiresAt: exp });
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(await reader.find('timed'), 'written after the delay');
    const full = new IssuedAccessTokenLog(typed(database.db), 60_000);
    for (let i = 0; i < 500; i++) full.record({ jti: `full-${i}`, expiresAt: exp });
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(await reader.find('full-499'), 'a full batch is written without waiting');
  });
});
