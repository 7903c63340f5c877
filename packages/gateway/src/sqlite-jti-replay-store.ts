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

/** Timing of {@link SqliteJtiReplayStore}'s upkeep (tests shorten it). */
export interface SqliteReplayUpkeep {
  /** How long another process's claims may hold the write lock before a claim fails (ms). */
  busyTimeoutMs?: number;
  /** How often expired claims are deleted and the WAL is checkpointed (ms). */
  upkeepMs?: number;
}

// One claim waiting for the next batch: its hashed key, expiry and the promise to settle.
interface PendingClaim {
  key: Buffer;
  expiresAt: number;
  resolve: (fresh: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * The DPoP replay store of the embedded default: one small SQLite file shared by every gateway
 * process on one `--data` directory. A claim is a prepared `INSERT … ON CONFLICT DO UPDATE …
 * WHERE expired` statement: SQLite's write lock makes it atomic across processes (two gateways
 * racing with one proof cannot both win).
 *
 * The claims that arrive in one turn of the event loop are written together in one `BEGIN
 * IMMEDIATE` transaction at the end of that turn (a commit is most of a claim's cost), and each
 * claim's promise settles only after that commit: no proof is accepted before its claim is on
 * disk, and each claim gets the answer it would have had alone (statements run in arrival order,
 * so the second of two equal keys in one batch sees the first and loses). A failed batch (another
 * process held the lock past the busy timeout) rejects every claim in it: none is accepted.
 *
 * WAL with `synchronous = NORMAL`: a commit survives a crash of the process (not necessarily a
 * power cut, which a proof outlives by at most its 5-minute lifetime). The WAL is checkpointed by
 * a timer (about once a second) rather than by whichever commit crosses SQLite's 1000-page mark,
 * so the checkpoint's fsync is paid once per interval and not inside a request's claim; the same
 * timer deletes expired claims. Durability is unchanged: only when the fsync happens moves.
 *
 * It has its own file rather than a table of the main store so that a write per request neither
 * queues behind the token service's and the access log's transactions nor wakes every gateway's
 * revocation poll (which watches the main store's WAL).
 *
 * @example
 * ```ts
 * const replay = SqliteJtiReplayStore.open(replayFileFor(database.location));
 * await replay.claim(`${jkt}:${jti}`, Date.now() + 300_000); // true once, then false (in any process)
 * replay.close();
 * ```
 */
export class SqliteJtiReplayStore implements JtiReplayStore {
  private readonly insert: BetterSqlite3.Statement<[Buffer, number, number]>;
  private readonly sweep: BetterSqlite3.Statement<[number]>;
  private readonly claimBatch: BetterSqlite3.Transaction<(batch: readonly PendingClaim[], now: number) => boolean[]>;
  private readonly upkeep: NodeJS.Timeout;
  private pending: PendingClaim[] = [];
  private flushScheduled = false;
  private closed = false;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    upkeepMs: number,
  ) {
    this.insert = db.prepare(
      'INSERT INTO dpop_replay (proof_key, expires_at) VALUES (?, ?) ' +
        'ON CONFLICT (proof_key) DO UPDATE SET expires_at = excluded.expires_at WHERE dpop_replay.expires_at <= ?',
    );
    this.sweep = db.prepare('DELETE FROM dpop_replay WHERE expires_at <= ?');
    this.claimBatch = db.transaction((batch: readonly PendingClaim[], now: number) =>
      batch.map((c) => this.insert.run(c.key, c.expiresAt, now).changes === 1),
    );
    this.upkeep = setInterval(() => this.runUpkeep(), upkeepMs);
    this.upkeep.unref();
  }

  /** Opens (creating) the replay file; `busyTimeoutMs` bounds a wait for another process's claims. */
  static open(file: string, options: SqliteReplayUpkeep | number = {}): SqliteJtiReplayStore {
    const { busyTimeoutMs = 5_000, upkeepMs = 1_000 } = typeof options === 'number' ? { busyTimeoutMs: options } : options;
    let db: BetterSqlite3.Database | undefined;
    try {
      db = new BetterSqlite3(file, { timeout: busyTimeoutMs });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Checkpoints come from the upkeep timer (see the class comment), not from a claim's commit.
      db.pragma('wal_autocheckpoint = 0');
      // Keyed by the 32-byte hash itself (no rowid b-tree); the expiry index serves the sweep.
      db.exec(
        'CREATE TABLE IF NOT EXISTS dpop_replay (proof_key BLOB PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;' +
          'CREATE INDEX IF NOT EXISTS dpop_replay_expires ON dpop_replay (expires_at);',
      );
      return new SqliteJtiReplayStore(db, upkeepMs);
    } catch (e) {
      db?.close();
      throw new TokenWardenError('TW_UNAVAILABLE', `cannot open the DPoP replay file ${file}`, {
        hint: 'check that the data directory is writable and not on a network file system',
        cause: e,
      });
    }
  }

  /** Claims `key` until `expiresAt`; settles once the batch holding it is committed. */
  claim(key: string, expiresAt: number): Promise<boolean> {
    if (this.closed) return Promise.reject(new TokenWardenError('TW_UNAVAILABLE', 'the DPoP replay file is closed'));
    return new Promise<boolean>((resolve, reject) => {
      // Hashed: bounded length, and no proof material stored as is.
      this.pending.push({ key: hash('sha256', key, 'buffer'), expiresAt, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate: after this turn's I/O callbacks, so claims from proofs verified together join one batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes the waiting claims now (also done by {@link SqliteJtiReplayStore.close}). */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const now = Date.now();
    let outcomes: boolean[];
    try {
      // A lone claim needs no explicit transaction: the statement commits by itself.
      outcomes =
        batch.length === 1
          ? [this.insert.run((batch[0] as PendingClaim).key, (batch[0] as PendingClaim).expiresAt, now).changes === 1]
          : this.claimBatch.immediate(batch, now);
    } catch (e) {
      for (const c of batch) c.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) (batch[i] as PendingClaim).resolve(outcomes[i] as boolean);
  }

  // Expired claims out, and the WAL back into the file (PASSIVE: never waits for another process).
  private runUpkeep(): void {
    try {
      this.sweep.run(Date.now());
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy with another process's claims: the next tick tries again; claims do not depend on it.
    }
  }

  /** Writes the waiting claims, stops the upkeep and closes the file. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.upkeep);
    this.db.close();
  }
}
