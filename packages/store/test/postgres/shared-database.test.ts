// Several stores (or test runs) can share one PostgreSQL database, each in its own schema. One of
// them dropping its schema must never break another one that is migrating at that moment.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { type Migration, openDatabase, sql } from '@tokenwarden/store';
import { SKIP_PG, TEST_PG_URL } from '@tokenwarden/store/testing';

const migrations: Migration[] = [
  {
    name: 'shared-0001-table',
    async up(db) {
      await db.schema
        .createTable('thing')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .execute();
    },
  },
];

function open(schema: string) {
  return openDatabase({ store: { driver: 'postgres', url: TEST_PG_URL, schema }, dataDir: tmpdir(), migrations });
}

describe('PostgreSQL stores sharing one database', { skip: SKIP_PG ? 'TOKENWARDEN_SKIP_PG=1' : false }, () => {
  it('migrates while other schemas are being created and dropped', async () => {
    const prefix = `tw_test_churn_${randomBytes(4).toString('hex')}`;
    const churner = await open(`${prefix}_x`);
    let stop = false;
    // Creates and drops schemas with tables in a loop, as other test files or tenants would.
    const churn = (async () => {
      for (let i = 0; !stop; i++) {
        const s = `${prefix}_c${i}`;
        await sql
          .raw(`CREATE SCHEMA "${s}"; CREATE TABLE "${s}".a (x int, y text, z int); CREATE TABLE "${s}".b (x int)`)
          .execute(churner.db);
        await sql.raw(`DROP SCHEMA "${s}" CASCADE`).execute(churner.db);
      }
    })();
    try {
      for (let i = 0; i < 25; i++) {
        const schema = `${prefix}_m${i}`;
        const database = await open(schema);
        try {
          const tables = await database.db.introspection.getTables();
          assert.deepEqual(
            tables.map((t) => t.name),
            ['thing'],
            'the introspector sees only its own schema',
          );
        } finally {
          await sql.raw(`DROP SCHEMA "${schema}" CASCADE`).execute(database.db);
          await database.close();
        }
      }
    } finally {
      stop = true;
      await churn;
      await sql.raw(`DROP SCHEMA IF EXISTS "${prefix}_x" CASCADE`).execute(churner.db);
      await churner.close();
    }
  });
});
