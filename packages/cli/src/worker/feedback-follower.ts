import type { EngineStateStore } from '@tokenwarden/detection';
import type { FeedbackLog, FeedbackRecord } from '@tokenwarden/response';

/** Options of {@link FeedbackFollower}. */
export interface FeedbackFollowerOptions {
  log: Pick<FeedbackLog, 'since'>;
  states: Pick<EngineStateStore, 'load' | 'save'>;
  /** Name of the saved cursor (one per consumer, saved next to its engine snapshot). */
  cursorName: string;
  /** Applies one verdict to the engine. */
  apply: (verdict: FeedbackRecord) => Promise<void>;
  /** How often to look for new verdicts (default 1000 ms). */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

interface Cursor {
  /** Verdicts recorded before this are all applied. */
  watermark?: string;
  /** Verdicts at or after the watermark that are applied (id → created_at). */
  applied: [string, string][];
}

// Verdicts are stamped by the recording process's clock and commit a moment after it: re-reading
// this far back (and skipping what was applied) never misses one that committed late.
const OVERLAP_MS = 10_000;

/**
 * Follows the durable false-positive log for a worker: every verdict recorded anywhere (the CLI
 * in another process, the response API) is applied to this worker's engine once. Its cursor is
 * saved with the engine snapshot, so after a restart the verdicts learned since the snapshot are
 * applied again rather than lost.
 *
 * @example
 * ```ts
 * const follower = new FeedbackFollower({ log: new FeedbackLog(db), states, cursorName: 'feedback:detection', apply });
 * await follower.start();
 * // after each engine snapshot:
 * await follower.save();
 * ```
 */
export class FeedbackFollower {
  private cursor: Cursor = { applied: [] };
  private readonly applied = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<number> | undefined;
  private stopped = false;
  private count = 0;

  constructor(private readonly o: FeedbackFollowerOptions) {}

  /** Loads the saved cursor, applies what is new, and keeps polling. */
  async start(): Promise<void> {
    const saved = await this.o.states.load(this.o.cursorName);
    if (saved) {
      try {
        this.cursor = JSON.parse(new TextDecoder().decode(saved.data)) as Cursor;
      } catch {
        // An unreadable cursor: applying every verdict again only re-learns normal events.
        this.cursor = { applied: [] };
      }
      for (const [id, at] of this.cursor.applied ?? []) this.applied.set(id, at);
    }
    await this.poll();
    this.schedule();
  }

  /** Verdicts applied since start. */
  get appliedCount(): number {
    return this.count;
  }

  /** Applies the verdicts recorded since the last poll; resolves to how many were new. */
  poll(): Promise<number> {
    this.polling ??= this.readNew().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  /** Saves the cursor (call it after the engine snapshot it belongs with). */
  async save(): Promise<void> {
    const cursor: Cursor = { ...(this.cursor.watermark ? { watermark: this.cursor.watermark } : {}), applied: [...this.applied] };
    await this.o.states.save(this.o.cursorName, new TextEncoder().encode(JSON.stringify(cursor)));
  }

  /** Stops polling and waits for a poll in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.poll()
        .catch((e: unknown) => this.o.onError?.(e))
        .finally(() => this.schedule());
    }, this.o.pollMs ?? 1000);
    this.timer.unref();
  }

  private async readNew(): Promise<number> {
    let fresh = 0;
    for (;;) {
      const rows = await this.o.log.since(this.cursor.watermark, 500);
      const todo = rows.filter((r) => !this.applied.has(r.id));
      for (const r of todo) {
        await this.o.apply(r);
        this.applied.set(r.id, r.created_at);
        fresh++;
        this.count++;
      }
      const latest = rows.at(-1)?.created_at;
      if (latest !== undefined) {
        const watermark = new Date(Date.parse(latest) - OVERLAP_MS).toISOString();
        if (this.cursor.watermark === undefined || watermark > this.cursor.watermark) this.cursor.watermark = watermark;
        for (const [id, at] of this.applied) if (at < (this.cursor.watermark as string)) this.applied.delete(id);
      }
      // A full page with nothing new would read the same page again: the overlap holds more than a page.
      if (rows.length < 500 || todo.length === 0) return fresh;
    }
  }
}
