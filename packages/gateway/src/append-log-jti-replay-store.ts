import { hash, randomBytes } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TokenWardenError } from '@tokenwarden/core';
import type { JtiReplayStore } from './jti-replay-store.js';

/**
 * The directory, next to the store's SQLite file, where every gateway on that store claims DPoP
 * proofs.
 *
 * @example
 * ```ts
 * replayDirFor('/data/tokenwarden.db'); // '/data/gateway-dpop-replay'
 * ```
 */
export function replayDirFor(storeFile: string): string {
  return join(storeFile, '..', 'gateway-dpop-replay');
}

/** Settings of {@link AppendLogJtiReplayStore} (tests shorten the epoch and drive the clock). */
export interface AppendLogReplayOptions {
  /** Length of one log file's epoch (ms). Default 60 s. */
  epochMs?: number;
  /** How often fully expired log files are deleted (ms). Default 5 s. */
  upkeepMs?: number;
  /** The clock (epoch ms). Every process sharing the directory must see the same clock. */
  now?: () => number;
}

// One record: magic, writer, sequence, 16 bytes of SHA-256 of the claim key, expiry (ms, f64).
const RECORD_BYTES = 48;
const MAGIC = 0x31525754; // "TWR1" little-endian
const KEY_AT = 16;
const EXPIRES_AT = 32;
// A write that returns later than this after its epoch ended may have landed where readers no
// longer look: its claim is refused. Readers consider an epoch complete once they have read it
// at least CLOSE_SLACK_MS after its end, which is after every write that was not refused.
const WRITE_SLACK_MS = 1_000;
const CLOSE_SLACK_MS = 2_000;
const READ_CHUNK = 64 * 1024;
const FILE_NAME = /^(\d{1,15})\.claims$/;

// One epoch's log file as this process knows it.
interface EpochLog {
  epoch: number;
  path: string;
  fd: number;
  /** Bytes read so far (always a whole number of records). */
  offset: number;
  /** Claim key (16 bytes, latin1) → latest expiry of its records in this file. */
  keys: Map<string, number>;
  maxExpiresAt: number;
  /** Read to its end after the epoch closed: nothing more can be written that counts. */
  complete: boolean;
}

// The record this process just appended, and what reading the logs after the append found.
interface OwnClaim {
  key: string;
  seq: number;
  epoch: number;
  now: number;
  reached: boolean;
  lost: boolean;
}

/**
 * The DPoP replay store of the embedded default: append-only log files in one directory, shared by
 * every gateway process on one `--data` directory, with no server and no lock.
 *
 * A claim appends one 48-byte record (the first 16 bytes of the SHA-256 of the key, its expiry, and
 * who wrote it) to the file of the current one-minute epoch with `O_APPEND`, which the kernel makes
 * atomic on a local file system: every process sees the records of a file in one order. The writer
 * then reads every file that may still change, to its end, and wins only if no live record with the
 * same key comes before its own in that file and none is in any other file. Two racing claims of one
 * proof cannot both win: each reads the other's file after its own append, so the later of the two
 * sees the earlier (if their files differ, both may lose, which only refuses a proof being replayed).
 * A write that returns more than a second after its epoch ended is refused, so readers can stop
 * reading a file two seconds after its epoch.
 *
 * What it costs is one `write` and one `read` per claim (a few µs) instead of a SQLite transaction,
 * and the answer is synchronous. Every process keeps the keys of the unexpired records in memory (a
 * DPoP proof lives `max_age_seconds` + 15 s), as the in-memory store does; files whose records have
 * all expired are deleted by whichever process notices first. A record reaches the page cache before
 * the claim is answered, so it survives a crash of the process (not a power cut, which a proof
 * outlives by at most its lifetime). The directory must be on a local file system (as SQLite's WAL
 * requires); a torn record (a full disk) makes every later claim fail closed with the file named.
 *
 * @example
 * ```ts
 * const replay = AppendLogJtiReplayStore.open(replayDirFor(database.location));
 * replay.claim(`${jkt}:${jti}`, Date.now() + 300_000); // true once, then false (in any process)
 * replay.close();
 * ```
 */
export class AppendLogJtiReplayStore implements JtiReplayStore {
  private readonly logs = new Map<number, EpochLog>();
  /** Epochs found to have no file after they closed: never probed again. */
  private readonly absent = new Set<number>();
  /** Files that may still change (not complete), in epoch order; refreshed when `logs` changes. */
  private open: EpochLog[] = [];
  private readonly writer = randomBytes(8);
  private readonly record = Buffer.alloc(RECORD_BYTES);
  private readonly chunk = Buffer.allocUnsafe(READ_CHUNK);
  private readonly epochMs: number;
  private readonly now: () => number;
  private readonly upkeep: NodeJS.Timeout;
  /** No epoch before this one can gain a file: the first epoch this process could have missed. */
  private lowEpoch: number;
  private seq = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    options: AppendLogReplayOptions,
  ) {
    this.epochMs = options.epochMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.record.writeUInt32LE(MAGIC, 0);
    this.writer.copy(this.record, 4);
    this.lowEpoch = this.epochOf(this.now()) - 1;
    this.upkeep = setInterval(() => this.runUpkeep(), options.upkeepMs ?? 5_000);
    this.upkeep.unref();
  }

  /** Opens (creating) the log directory and reads the claims already in it. */
  static open(dir: string, options: AppendLogReplayOptions = {}): AppendLogJtiReplayStore {
    let names: string[];
    try {
      mkdirSync(dir, { recursive: true });
      names = readdirSync(dir);
    } catch (e) {
      throw unavailable(`cannot open the DPoP replay directory ${dir}`, e);
    }
    const store = new AppendLogJtiReplayStore(dir, options);
    try {
      for (const name of names) {
        const m = FILE_NAME.exec(name);
        if (m) store.attach(Number(m[1]));
      }
      store.readOpenLogs(store.now(), undefined);
    } catch (e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Claims `key` until `expiresAt` (epoch ms): true when no live claim of it exists in any process
   * on the directory. Throws `TW_UNAVAILABLE` when the logs cannot be written or read.
   */
  claim(key: string, expiresAt: number): boolean {
    if (this.closed) throw unavailable('the DPoP replay store is closed');
    const now = this.now();
    const k = this.recordKey(key);
    if (this.isLive(k, now)) return false;
    // Nothing to protect: the reference store would forget it at once.
    if (expiresAt <= now) return true;
    const epoch = this.epochOf(now);
    const log = this.logs.get(epoch) ?? this.attach(epoch, true);
    this.seq = (this.seq + 1) >>> 0;
    const seq = this.seq;
    const record = this.record;
    record.writeUInt32LE(seq, 12);
    record.write(k, KEY_AT, 16, 'latin1');
    record.writeDoubleLE(expiresAt, EXPIRES_AT);
    let written: number;
    try {
      written = writeSync(log.fd, record, 0, RECORD_BYTES);
    } catch (e) {
      throw unavailable(`cannot append to the DPoP replay log ${log.path}`, e);
    }
    if (written !== RECORD_BYTES) throw unavailable(`short write to the DPoP replay log ${log.path} (disk full?)`);
    const after = this.now();
    const own: OwnClaim = { key: k, seq, epoch, now: after, reached: false, lost: false };
    this.readOpenLogs(after, own);
    if (!own.reached) throw unavailable(`the DPoP replay log ${log.path} lost a record just written`);
    // Stalled past the epoch's end: readers may already have stopped looking at this file.
    if (after > (epoch + 1) * this.epochMs + WRITE_SLACK_MS) return false;
    return !own.lost;
  }

  /** True when a live claim of `key` is among the records read so far (any process's). */
  seen(key: string): boolean {
    if (this.closed) return false;
    return this.isLive(this.recordKey(key), this.now());
  }

  // The 16 bytes of SHA-256 a record holds for a claim key. The verifier peeks (seen) and then
  // claims the same key: the last one is remembered so it is hashed once.
  private lastKey: string | undefined;
  private lastRecordKey = '';
  private recordKey(key: string): string {
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastRecordKey = hash('sha256', key, 'buffer').toString('latin1', 0, 16);
    }
    return this.lastRecordKey;
  }

  private epochOf(time: number): number {
    return Math.floor(time / this.epochMs);
  }

  private isLive(key: string, now: number): boolean {
    for (const log of this.logs.values()) {
      const expiresAt = log.keys.get(key);
      if (expiresAt !== undefined && expiresAt > now) return true;
    }
    return false;
  }

  // Opens an epoch's file (creating it when this process is about to write to it); undefined when
  // it does not exist and is not to be created.
  private attach(epoch: number, create: true): EpochLog;
  private attach(epoch: number, create?: boolean): EpochLog | undefined;
  private attach(epoch: number, create = false): EpochLog | undefined {
    const path = join(this.dir, `${epoch}.claims`);
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_APPEND | (create ? constants.O_CREAT : 0), 0o600);
    } catch (e) {
      if (!create && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unavailable(`cannot open the DPoP replay log ${path}`, e);
    }
    const log: EpochLog = { epoch, path, fd, offset: 0, keys: new Map(), maxExpiresAt: 0, complete: false };
    this.logs.set(epoch, log);
    this.absent.delete(epoch);
    this.lowEpoch = Math.min(this.lowEpoch, epoch);
    this.refreshOpen();
    return log;
  }

  private refreshOpen(): void {
    this.open = [...this.logs.values()].filter((l) => !l.complete).sort((a, b) => a.epoch - b.epoch);
  }

  // Finds files other processes created since the last look, then reads every file that may still
  // change to its end (marking those whose epoch closed before this read began as complete).
  private readOpenLogs(now: number, own: OwnClaim | undefined): void {
    const current = this.epochOf(now);
    // The next epoch's file can exist only within a moment of its start (one machine, one clock).
    const last = now >= (current + 1) * this.epochMs - CLOSE_SLACK_MS ? current + 1 : current;
    for (let e = this.lowEpoch; e <= last; e++) {
      if (this.logs.has(e) || this.absent.has(e)) continue;
      if (!this.attach(e) && now >= (e + 1) * this.epochMs + CLOSE_SLACK_MS) this.absent.add(e);
    }
    let changed = false;
    for (const log of this.open) {
      this.readToEnd(log, own);
      if (now >= (log.epoch + 1) * this.epochMs + CLOSE_SLACK_MS) {
        log.complete = true;
        changed = true;
      }
    }
    if (changed) this.refreshOpen();
  }

  private readToEnd(log: EpochLog, own: OwnClaim | undefined): void {
    for (;;) {
      let n: number;
      try {
        n = readSync(log.fd, this.chunk, 0, READ_CHUNK, log.offset);
      } catch (e) {
        throw unavailable(`cannot read the DPoP replay log ${log.path}`, e);
      }
      // A record still being written (never seen on a local file system) is read next time.
      const whole = n - (n % RECORD_BYTES);
      for (let o = 0; o < whole; o += RECORD_BYTES) this.apply(log, o, own);
      log.offset += whole;
      if (n < READ_CHUNK) return;
    }
  }

  private apply(log: EpochLog, o: number, own: OwnClaim | undefined): void {
    const buf = this.chunk;
    if (buf.readUInt32LE(o) !== MAGIC) {
      throw unavailable(`the DPoP replay log ${log.path} is damaged at byte ${log.offset + o}`, undefined, {
        hint: 'a full disk can tear a record: delete the file once the disk has room (claims in it expire within minutes)',
      });
    }
    const key = buf.toString('latin1', o + KEY_AT, o + KEY_AT + 16);
    const expiresAt = buf.readDoubleLE(o + EXPIRES_AT);
    if (own !== undefined && key === own.key) {
      if (
        !own.reached &&
        log.epoch === own.epoch &&
        buf.readUInt32LE(o + 12) === own.seq &&
        buf.compare(this.writer, 0, 8, o + 4, o + 12) === 0
      ) {
        own.reached = true;
        if (this.isLive(key, own.now)) own.lost = true;
      } else if (expiresAt > own.now && (log.epoch !== own.epoch || !own.reached)) {
        // A live claim of the same key elsewhere, or earlier in this file.
        own.lost = true;
      }
    }
    const known = log.keys.get(key);
    if (known === undefined || known < expiresAt) log.keys.set(key, expiresAt);
    if (expiresAt > log.maxExpiresAt) log.maxExpiresAt = expiresAt;
  }

  // Complete files whose every record has expired are closed and deleted (by whichever process
  // gets there first; the others find the file gone or read the unlinked file through their fd).
  private runUpkeep(): void {
    const now = this.now();
    let changed = false;
    for (const log of [...this.logs.values()]) {
      if (!log.complete || log.maxExpiresAt > now - CLOSE_SLACK_MS) continue;
      closeSync(log.fd);
      try {
        unlinkSync(log.path);
      } catch {
        // Already deleted by another gateway.
      }
      this.logs.delete(log.epoch);
      this.absent.add(log.epoch);
      changed = true;
    }
    if (changed) this.refreshOpen();
    // Epochs below every live file and the previous epoch can no longer gain one.
    const floor = Math.min(this.epochOf(now) - 1, ...[...this.logs.keys()]);
    for (const e of this.absent) if (e < floor) this.absent.delete(e);
    this.lowEpoch = Math.max(this.lowEpoch, floor);
  }

  /** Stops the upkeep and closes the files; later claims throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.upkeep);
    for (const log of this.logs.values()) closeSync(log.fd);
    this.logs.clear();
    this.open = [];
  }
}

function unavailable(message: string, cause?: unknown, extra: { hint?: string } = {}): TokenWardenError {
  return new TokenWardenError('TW_UNAVAILABLE', message, {
    hint: extra.hint ?? 'check that the data directory is writable, has room and is on a local file system',
    cause,
  });
}
