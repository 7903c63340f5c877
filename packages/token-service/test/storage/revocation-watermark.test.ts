import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openTestDatabase, SKIP_PG } from '@tokenwarden/store/testing';
import { tokenServiceMigrations } from '../../src/storage/migrations.js';
import { appendRevocation } from '../../src/storage/revocation-log.js';
import { createWatermarkReader } from '../../src/storage/revocation-watermark.js';
import { typed } from '../../src/storage/schema.js';

// The mark must be current for every caller: a revocation committed before a read() call is seen
// by it, whether this connection or another one (as separate as another process) wrote it, and
// whether or not the store offers a change stamp to skip reads (SQLite does, PostgreSQL does not).
for (const driver of ['sqlite', 'postgres'] as const) {
  describe(`revocation watermark reader on ${driver}`, { skip: driver === 'postgres' && SKIP_PG ? 'TOKENWARDEN_SKIP_PG=1' : false }, () => {
    it('sees a revocation by this or another connection at the next read', async () => {
      const t = await openTestDatabase(driver, tokenServiceMigrations);
      const other = await t.reopen();
      try {
        const { database } = t;
        assert.equal(driver === 'sqlite', typeof database.changeStamp === 'function');
        const marks = createWatermarkReader(typed(database.db), database.changeStamp?.bind(database));
        const first = await marks.read();
        assert.equal(await marks.read(), first, 'nothing written: same mark');
        await database.transaction((trx) => appendRevocation(typed(trx), { kind: 'jti', value: 'here' }));
        const second = await marks.read();
        assert.equal(second, first + 1);
        await other.transaction((trx) => appendRevocation(typed(trx), { kind: 'jti', value: 'there' }));
        assert.equal(await marks.read(), second + 1);
        // Concurrent callers share a read and all see the latest mark.
        await other.transaction((trx) => appendRevocation(typed(trx), { kind: 'jti', value: 'again' }));
        assert.deepEqual(await Promise.all([marks.read(), marks.read(), marks.read()]), [second + 2, second + 2, second + 2]);
      } finally {
        await other.close();
        await t.dispose();
      }
    });

    it('fails the read, not the process, once the store is closed', async () => {
      const t = await openTestDatabase(driver, tokenServiceMigrations);
      const marks = createWatermarkReader(typed(t.database.db), t.database.changeStamp?.bind(t.database));
      await marks.read();
      await t.dispose();
      await assert.rejects(marks.read());
    });
  });
}
