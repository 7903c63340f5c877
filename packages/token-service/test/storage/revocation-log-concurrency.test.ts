import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '@tokenwarden/store';
import { openTestDatabase, SKIP_PG, type TestDatabase } from '@tokenwarden/store/testing';
import { tokenServiceMigrations } from '../../src/storage/migrations.js';
import { appendRevocation, type RevocationEntry, revocationsSince } from '../../src/storage/revocation-log.js';
import { typed } from '../../src/storage/schema.js';

const WRITERS = 4;
const PER_WRITER = 25;
/** Transactions a writer has in flight at once: its pool's size (10), less one for the follower's polls. */
const IN_FLIGHT = 8;

// Every writer is a separate Database (its own connection pool): to PostgreSQL these are as
// separate as two processes. Each append runs in its own transaction, and a small delay inside
// the transaction widens the window in which a max+1 scheme would hand out one number twice.
// (SQLite needs no such test: every write transaction takes the database write lock first,
// BEGIN IMMEDIATE, so appends are serialised across processes by the file lock.)
describe('revocation log under concurrent PostgreSQL writers', { skip: SKIP_PG ? 'TOKENWARDEN_SKIP_PG=1' : false }, () => {
  let opened: TestDatabase | undefined;
  const t = (): TestDatabase => {
    if (!opened) throw new Error('database not open');
    return opened;
  };
  before(async () => {
    opened = await openTestDatabase('postgres', tokenServiceMigrations);
  });
  after(async () => {
    await opened?.dispose();
  });
  it(`${WRITERS} connections x ${PER_WRITER} concurrent revocations: unique, gap-free sequence numbers and nothing lost`, async () => {
    const writers: Database[] = [t().database];
    for (let i = 1; i < WRITERS; i++) writers.push(await t().reopen());
    // A follower polls while the writers run, as the gateway does: it must end up with every entry.
    const followed = new Map<number, RevocationEntry>();
    let followerSeq = 0;
    let writing = true;
    const follower = (async () => {
      while (writing) {
        for (const e of await revocationsSince(typed(writers[0]?.db ?? t().database.db), followerSeq)) {
          followed.set(e.seq, e);
          followerSeq = Math.max(followerSeq, e.seq);
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    try {
      // Each writer keeps as many transactions in flight as its pool has connections: they contend inside
      // PostgreSQL (where the sequence is decided), never in the pool's queue, whose connect timeout a loaded
      // machine would otherwise turn into a spurious failure.
      const perWriter = await Promise.all(
        writers.map(async (db, w) => {
          const settled: PromiseSettledResult<boolean>[] = [];
          for (let from = 0; from < PER_WRITER; from += IN_FLIGHT) {
            const batch = Array.from({ length: Math.min(IN_FLIGHT, PER_WRITER - from) }, (_, k) =>
              db.transaction(async (raw) => {
                const added = await appendRevocation(typed(raw), { kind: 'jti', value: `w${w}-${from + k}`, actor: 'test' });
                await new Promise((r) => setTimeout(r, 2));
                return added;
              }),
            );
            settled.push(...(await Promise.allSettled(batch)));
          }
          return settled;
        }),
      );
      const results = perWriter.flat();
      const failed = results.filter((r) => r.status === 'rejected');
      assert.deepEqual(
        failed.map((r) => String((r as PromiseRejectedResult).reason)),
        [],
        'no revocation fails under contention',
      );
      assert.ok(
        results.every((r) => r.status === 'fulfilled' && r.value === true),
        'every revocation wrote a new entry',
      );
    } finally {
      writing = false;
      await follower;
    }
    const all = await revocationsSince(typed(t().database.db), 0);
    const total = WRITERS * PER_WRITER;
    assert.equal(all.length, total, 'every revocation is in the log');
    assert.deepEqual(
      all.map((e) => e.seq),
      Array.from({ length: total }, (_, i) => i + 1),
      'sequence numbers are unique and gap-free',
    );
    assert.equal(new Set(all.map((e) => e.value)).size, total);
    // One last poll, as the follower would do next, then compare: a follower that advanced its
    // cursor past an entry committed later would have skipped it for good.
    for (const e of await revocationsSince(typed(t().database.db), followerSeq)) followed.set(e.seq, e);
    assert.equal(followed.size, total, 'a follower polling during the writes saw every entry');
    for (const db of writers.slice(1)) await db.close();
  });

  it('concurrent revocations of the same value leave one entry', async () => {
    const other = await t().reopen();
    try {
      const results = await Promise.all(
        [t().database, other, t().database, other].map((db) =>
          db.transaction((raw) => appendRevocation(typed(raw), { kind: 'grant', value: 'grant-raced' })),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1, 'exactly one writer adds the entry');
      const entries = (await revocationsSince(typed(t().database.db), 0)).filter((e) => e.value === 'grant-raced');
      assert.equal(entries.length, 1);
    } finally {
      await other.close();
    }
  });
});
