import { type FSWatcher, watch } from 'node:fs';
import type { CredentialSource, RevocationEntry } from './credential-source.js';
import type { RevocationSet } from './revocation-set.js';

/**
 * A pub/sub channel that tells this gateway "something was revoked": NATS or Redis in production,
 * in-process for one process. The message only wakes the sync; the entries themselves are always
 * read from the credential source, so a lost or forged message cannot un-revoke anything.
 */
export interface RevocationSignal {
  /** Calls `onSignal` for every message; returns an unsubscribe function. */
  subscribe(onSignal: () => void): () => void;
  /** Calls `onReconnect` after the connection came back (messages may have been missed: resync). */
  onReconnect?(onReconnect: () => void): void;
}

/** How {@link RevocationSync} keeps the local set fresh. */
export interface RevocationSyncOptions {
  /** Poll interval in ms. Default 20. */
  pollMs: number;
  /** Full resync interval in ms. Default 60 000. */
  resyncMs: number;
  /** Files whose change should wake the poll at once (the SQLite WAL of a shared --data). */
  watchFiles?: readonly string[];
  signal?: RevocationSignal;
  /** Called with entries new to this process (to evict caches). */
  onApplied?: (entries: readonly RevocationEntry[]) => void;
  /** Called when a poll fails (the caller decides how loud to be). */
  onError?: (error: unknown) => void;
}

/**
 * Feeds a {@link RevocationSet} from the credential source: polls `revocationsSince(seq)` every
 * `pollMs`, wakes early on a file change (embedded: another process committed to the shared
 * SQLite file) or a pub/sub signal (production), and replaces the whole set on reconnect and every
 * `resyncMs`. `lastSuccess` tells the gateway how stale its view may be (fail-closed bound).
 *
 * @example
 * ```ts
 * const sync = new RevocationSync(source, set, { pollMs: 50, resyncMs: 60_000 });
 * await sync.start();
 * ```
 */
export class RevocationSync {
  /** Epoch ms of the last successful read of the source. */
  lastSuccess = 0;
  private timer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private resyncWanted = false;
  private stopped = false;
  private readonly watchers: FSWatcher[] = [];
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly source: Pick<CredentialSource, 'revocationsSince'>,
    private readonly set: RevocationSet,
    private readonly options: RevocationSyncOptions,
  ) {}

  /** Loads the full set once, then keeps it fresh. Rejects when the first load fails. */
  async start(): Promise<void> {
    this.resyncWanted = true;
    await this.tick();
    if (this.lastSuccess === 0) throw new Error('initial revocation load failed');
    for (const file of this.options.watchFiles ?? []) {
      try {
        const w = watch(file, { persistent: false }, () => this.wake());
        w.on('error', () => {});
        this.watchers.push(w);
      } catch {
        // The file may not exist yet (no write happened); polling still covers it.
      }
    }
    this.unsubscribe = this.options.signal?.subscribe(() => this.wake());
    this.options.signal?.onReconnect?.(() => this.resync());
    this.schedule();
    this.resyncTimer = setInterval(() => this.resync(), this.options.resyncMs);
    this.resyncTimer.unref();
  }

  /** Polls now (coalesced with a poll in flight). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.tick();
  }

  /** Polls now and resolves when the poll (or the one in flight) is done. */
  async pollNow(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      await this.running;
      return;
    }
    await this.tick();
  }

  /** Re-reads the whole revocation log at the next poll. */
  resync(): void {
    this.resyncWanted = true;
    this.wake();
  }

  /** Stops polling and watching. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const w of this.watchers) w.close();
    this.unsubscribe?.();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedule();
    }, this.options.pollMs);
    this.timer.unref();
  }

  private tick(): Promise<void> {
    this.running = (async () => {
      do {
        this.again = false;
        const full = this.resyncWanted;
        this.resyncWanted = false;
        try {
          const entries = await this.source.revocationsSince(full ? 0 : this.set.seq);
          if (full) {
            const before = this.set.seq;
            this.set.replace(entries);
            const fresh = entries.filter((e) => e.seq > before);
            if (fresh.length > 0) this.options.onApplied?.(fresh);
          } else if (entries.length > 0) {
            const added = this.set.apply(entries);
            if (added.length > 0) this.options.onApplied?.(added);
          }
          this.lastSuccess = Date.now();
        } catch (e) {
          if (full) this.resyncWanted = true;
          this.options.onError?.(e);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
