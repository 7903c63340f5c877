import type { EventBus } from '@tokenwarden/bus';
import { type AccessEvent, type LifecycleEvent, TokenWardenError } from '@tokenwarden/core';
import type { EngineStateStore } from '@tokenwarden/detection';
import type { AccessEventRepository, LifecycleEventRepository } from '@tokenwarden/store';
import { LRUCache } from 'lru-cache';

/** Options of {@link StoreTail}. */
export interface StoreTailOptions {
  repos: { accessEvents: Pick<AccessEventRepository, 'query'>; lifecycleEvents: Pick<LifecycleEventRepository, 'query'> };
  /** The in-process bus the detection worker consumes. */
  bus: Pick<EventBus, 'publish'>;
  /** Where the cursor is persisted. */
  states: Pick<EngineStateStore, 'load' | 'save'>;
  /** State name of the cursor (default `tail:detection`). */
  cursorName?: string;
  /** Events the consumer has finished so far (the detection worker's events + skipped), to wait for before the cursor moves. */
  processed: () => number;
  /** Poll interval (default 250 ms). */
  pollMs?: number;
  /** Re-read this far behind the newest event time, for writers whose events land late (default 5 s). */
  latenessMs?: number;
  /** Rows per query (default 1000). */
  pageSize?: number;
  /** Event ids remembered to skip re-reads (default 100 000). */
  seenSize?: number;
  /** How long to wait for the consumer to catch up before saving the cursor anyway (default 30 s). */
  drainTimeoutMs?: number;
  /** Told about a failed poll (the tail keeps polling). */
  onError?: (error: unknown) => void;
}

/** The persisted position of a tail: the newest event time read, and the ids already read inside the lateness window. */
interface TailCursor {
  v: 1;
  time: string;
  seen: string[];
}

type TailEvent = { topic: 'access'; event: AccessEvent } | { topic: 'lifecycle'; event: LifecycleEvent };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Follows the access and lifecycle events that gateways and token services in other processes
 * write to the shared store (the embedded default has no cross-process bus), and publishes them
 * on an in-process bus, so detection runs the same path as with JetStream.
 *
 * Every poll re-reads from `latenessMs` before the newest event time seen (writers flush in
 * batches, so an older event can land after a newer one) and skips the ids it already read. The
 * cursor (that time and the ids read inside the window) is saved once the consumer has finished
 * the events, so a restart neither re-alerts on old events nor loses the ones in flight. Events
 * written more than `latenessMs` behind the newest one are missed.
 *
 * @example
 * ```ts
 * const tail = new StoreTail({ repos, bus, states, processed: () => worker.stats().events + worker.stats().skipped });
 * await tail.start();
 * // ... on shutdown:
 * await tail.stop();
 * ```
 */
export class StoreTail {
  private readonly pollMs: number;
  private readonly latenessMs: number;
  private readonly pageSize: number;
  private readonly cursorName: string;
  private readonly drainTimeoutMs: number;
  private readonly seen: LRUCache<string, number>;
  private highWater = 0;
  private published = 0;
  private publishedAtStart = 0;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: () => void = () => {};

  constructor(private readonly o: StoreTailOptions) {
    this.pollMs = o.pollMs ?? 250;
    this.latenessMs = o.latenessMs ?? 5000;
    this.pageSize = o.pageSize ?? 1000;
    this.cursorName = o.cursorName ?? 'tail:detection';
    this.drainTimeoutMs = o.drainTimeoutMs ?? 30_000;
    this.seen = new LRUCache({ max: o.seenSize ?? 100_000 });
  }

  /** Loads the saved cursor (none: from the start of the stored history) and starts polling. */
  async start(): Promise<void> {
    const saved = await this.o.states.load(this.cursorName);
    if (saved) {
      const cursor = parseCursor(saved.data);
      if (cursor) {
        this.highWater = Date.parse(cursor.time);
        for (const id of cursor.seen) this.seen.set(id, this.highWater);
      } else {
        // Reading from the start would re-alert on the whole history: refuse rather than guess.
        throw new TokenWardenError('TW_CONFLICT', `the saved store-tail cursor "${this.cursorName}" (v${saved.version}) is unreadable`, {
          hint: 'restore the detection_engine_state row from a backup, or delete it to re-read (and re-alert on) the stored history',
        });
      }
    }
    this.publishedAtStart = this.o.processed();
    this.loop = this.run();
  }

  /** Where the tail is: the newest event time read, events published since start. */
  position(): { time?: string; published: number } {
    return { ...(this.highWater > 0 ? { time: new Date(this.highWater).toISOString() } : {}), published: this.published };
  }

  /** Reads and publishes what is new once; resolves to the number of events published. */
  async pollOnce(): Promise<number> {
    const now = Date.now();
    // A writer with a clock ahead must not push the window past events of the present.
    const since = this.highWater > 0 ? new Date(Math.min(this.highWater, now) - this.latenessMs).toISOString() : undefined;
    const fresh = [...(await this.readAccess(since)), ...(await this.readLifecycle(since))];
    if (fresh.length === 0) return 0;
    fresh.sort((a, b) => (a.event.time < b.event.time ? -1 : a.event.time > b.event.time ? 1 : a.event.id < b.event.id ? -1 : 1));
    for (const item of fresh) {
      if (item.topic === 'access') await this.o.bus.publish('access', item.event);
      else await this.o.bus.publish('lifecycle', item.event);
      const t = Date.parse(item.event.time);
      this.seen.set(item.event.id, t);
      if (t > this.highWater) this.highWater = t;
      this.published++;
    }
    await this.drain();
    await this.saveCursor();
    return fresh.length;
  }

  /** Stops polling, waits for the consumer to finish what was published, and saves the cursor. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.drain();
    await this.saveCursor();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let n = 0;
      try {
        n = await this.pollOnce();
      } catch (e) {
        this.o.onError?.(e);
      }
      // A full page means more is waiting: read on at once.
      if (this.stopped || n >= this.pageSize) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private async readAccess(since: string | undefined): Promise<TailEvent[]> {
    const out: TailEvent[] = [];
    let afterId: string | undefined;
    for (let page = 0; page < 20; page++) {
      const rows = await this.o.repos.accessEvents.query({
        ...(since ? { since } : {}),
        ...(afterId ? { after_id: afterId } : {}),
        limit: this.pageSize,
      });
      for (const e of rows) if (!this.seen.has(e.id)) out.push({ topic: 'access', event: e });
      if (rows.length < this.pageSize) break;
      afterId = rows[rows.length - 1]?.id;
    }
    return out;
  }

  private async readLifecycle(since: string | undefined): Promise<TailEvent[]> {
    const out: TailEvent[] = [];
    let from = since;
    let limit = this.pageSize;
    for (let page = 0; page < 20; page++) {
      const rows = await this.o.repos.lifecycleEvents.query({ ...(from ? { since: from } : {}), limit });
      for (const e of rows) if (!this.seen.has(e.id) && !out.some((o) => o.event.id === e.id)) out.push({ topic: 'lifecycle', event: e });
      if (rows.length < limit) break;
      const last = rows[rows.length - 1]?.time;
      // No `after_id` here: page on by time; a page that is all one instant is read again, wider.
      if (last === from) limit *= 2;
      from = last;
    }
    return out;
  }

  private async drain(): Promise<void> {
    const target = this.publishedAtStart + this.published;
    const deadline = Date.now() + this.drainTimeoutMs;
    while (this.o.processed() < target && Date.now() < deadline) await sleep(5);
  }

  private async saveCursor(): Promise<void> {
    if (this.highWater === 0) return;
    const windowStart = this.highWater - this.latenessMs;
    const seen: string[] = [];
    for (const [id, t] of this.seen.entries()) if (t >= windowStart) seen.push(id);
    const cursor: TailCursor = { v: 1, time: new Date(this.highWater).toISOString(), seen };
    await this.o.states.save(this.cursorName, new TextEncoder().encode(JSON.stringify(cursor)));
  }
}

function parseCursor(bytes: Uint8Array): TailCursor | undefined {
  try {
    const c = JSON.parse(new TextDecoder().decode(bytes)) as Partial<TailCursor>;
    if (c.v !== 1 || typeof c.time !== 'string' || Number.isNaN(Date.parse(c.time)) || !Array.isArray(c.seen)) return undefined;
    return { v: 1, time: c.time, seen: c.seen.filter((id): id is string => typeof id === 'string') };
  } catch {
    return undefined;
  }
}
