import { hash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { TokenWardenError } from '@tokenwarden/core';
import BetterSqlite3 from 'better-sqlite3';
import type { JtiReplayStore } from './jti-replay-store.js';

/**
 * The file, next to the store's SQLite file, where every gateway on that store claims DPoP proofs.
 *
 * @example
 * ```ts
 * replayFileFor('/data/tokenwarden.db'); // '/data/gateway-dpop-replay.db'
 * ```
 */
export function replayFileFor(storeFile: string): string {
  return join(dirname(storeFile), 'gateway-dpop-replay.db');
}

/**
 * The DPoP replay store of the embedded default: one small SQLite file shared by every gateway
 * process on one `--data` directory. A claim is one prepared `INSERT … ON CONFLICT DO UPDATE …
 * WHERE expired` statement, run synchronously: SQLite's write lock makes it atomic across
 * processes (two gateways racing with one proof cannot both win), and nothing is batched, so no
 * proof is ever accepted before its claim is committed. WAL with `synchronous = NORMAL`: a commit
 * survives a crash of the process (not necessarily a power cut, which a proof outlives by at most
 * its 5-minute lifetime).
 *
 * It has its own file rather than a table of the main store so that a write per request neither
 * queues behind the token service's and the access log's transactions nor wakes every gateway's
 * revocation poll (which watches the main store's WAL). Expired rows are deleted about once a
 * second, a short range delete over the expiry index.
 *
 * @example
 * ```ts
 * const replay = SqliteJtiReplayStore.open(replayFileFor(database.location));
 * replay.claim(`${jkt}:${jti}`, Date.now() + 300_000); // true once, then false (in any process)
 * replay.close();
 * ```
 */
export class SqliteJtiReplayStore implements JtiReplayStore {
  private lastSweep = 0;
  private readonly insert: BetterSqlite3.Statement<[Buffer, number, number]>;
  private readonly sweep: BetterSqlite3.Statement<[number]>;

  private constructor(private readonly db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      'INSERT INTO dpop_replay (proof_key, expires_at) VALUES (?, ?) ' +
        'ON CONFLICT (proof_key) DO UPDATE SET expires_at = excluded.expires_at WHERE dpop_replay.expires_at <= ?',
    );
    this.sweep = db.prepare('DELETE FROM dpop_replay WHERE expires_at <= ?');
  }

  /** Opens (creating) the replay file; `busyTimeoutMs` bounds a wait for another process's claim. */
  static open(file: string, busyTimeoutMs = 5_000): SqliteJtiReplayStore {
    let db: BetterSqlite3.Database | undefined;
    try {
      db = new BetterSqlite3(file, { timeout: busyTimeoutMs });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Keyed by the 32-byte hash itself (no rowid b-tree); the expiry index serves the sweep.
      db.exec(
        'CREATE TABLE IF NOT EXISTS dpop_replay (proof_key BLOB PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;' +
          'CREATE INDEX IF NOT EXISTS dpop_replay_expires ON dpop_replay (expires_at);',
      );
      return new SqliteJtiReplayStore(db);
    } catch (e) {
      db?.close();
      throw new TokenWardenError('TW_UNAVAILABLE', `cannot open the DPoP replay file ${file}`, {
        hint: 'check that the data directory is writable and not on a network file system',
        cause: e,
      });
    }
  }

  claim(key: string, expiresAt: number): boolean {
    const now = Date.now();
    // Hashed: bounded length, and no proof material stored as is.
    const changed = this.insert.run(hash('sha256', key, 'buffer'), expiresAt, now).changes;
    if (now - this.lastSweep > 1_000) {
      this.lastSweep = now;
      this.sweep.run(now);
    }
    return changed === 1;
  }

  /** Closes the file. */
  close(): void {
    this.db.close();
  }
}
