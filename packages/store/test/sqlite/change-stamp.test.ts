import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Database, type Migration, openDatabase } from '@tokenwarden/store';
import { sql } from 'kysely';

const table: Migration = {
  name: 'store-9998-test-stamp',
  async up(db) {
    await db.schema.createTable('stamp_test').addColumn('id', 'text').execute();
  },
};

describe('SQLite change stamp', () => {
  it('stays put while nothing is written and moves on a write by this or another connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-stamp-'));
    const open = () => openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: [table] });
    const a: Database = await open();
    const b: Database = await open();
    try {
      const stamp = () => (a.changeStamp as () => string)();
      const before = stamp();
      await sql`SELECT count(*) FROM stamp_test`.execute(a.db);
      assert.equal(stamp(), before, 'a read changes nothing');
      await sql`INSERT INTO stamp_test (id) VALUES ('other')`.execute(b.db);
      const afterOther = stamp();
      assert.notEqual(afterOther, before, 'a commit by another connection moves it');
      await sql`DELETE FROM stamp_test`.execute(a.db);
      assert.notEqual(stamp(), afterOther, 'a write by this connection moves it');
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
