import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from '../../src/sqlite/statement-cache.js';

describe('SQLite statement cache', () => {
  const open = () => {
    const native = new BetterSqlite3(':memory:');
    native.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES (?), (?), (?)'.replace(/\?/g, "'x'"));
    return native;
  };

  it('prepares each SQL text once and reuses the statement', () => {
    const db = withStatementCache(open());
    const a = db.prepare('SELECT v FROM t WHERE id = ?');
    assert.equal(db.prepare('SELECT v FROM t WHERE id = ?'), a);
    assert.deepEqual(a.all([2]), [{ v: 'x' }]);
    assert.notEqual(db.prepare('SELECT id FROM t'), a);
    db.close();
  });

  it('gives a fresh statement while the cached one is still iterating', () => {
    const db = withStatementCache(open());
    const sql = 'SELECT id FROM t ORDER BY id';
    const iterator = db.prepare(sql).iterate([]);
    assert.deepEqual(iterator.next().value, { id: 1 });
    // The same SQL again, mid-iteration: must not throw "statement is busy".
    assert.deepEqual(db.prepare(sql).all([]), [{ id: 1 }, { id: 2 }, { id: 3 }]);
    assert.deepEqual([...iterator], [{ id: 2 }, { id: 3 }]);
    db.close();
  });

  it('keeps at most max statements, dropping the least recently used', () => {
    const db = withStatementCache(open(), 2);
    const one = db.prepare('SELECT 1');
    db.prepare('SELECT 2');
    db.prepare('SELECT 1'); // used again: now the most recent
    db.prepare('SELECT 3'); // evicts SELECT 2
    assert.equal(db.prepare('SELECT 1'), one);
    db.close();
  });

  it('sees schema changes made after a statement was cached', () => {
    const db = withStatementCache(open());
    assert.deepEqual(db.prepare('SELECT * FROM t WHERE id = 1').all([]), [{ id: 1, v: 'x' }]);
    db.prepare('ALTER TABLE t ADD COLUMN w TEXT').run([]);
    assert.deepEqual(db.prepare('SELECT * FROM t WHERE id = 1').all([]), [{ id: 1, v: 'x', w: null }]);
    db.close();
  });
});
