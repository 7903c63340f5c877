import type { AccessEvent } from '@tokenwarden/core';

/** Hands a batch of events to the bus or the store. */
export type AccessEventPublisher = (events: readonly AccessEvent[]) => void | Promise<void>;

/**
 * A bounded buffer between the request path and the bus. `push` never waits: when the buffer is
 * full the event is dropped and counted, so a slow or dead bus cannot slow or stop traffic.
 * Events are handed over in batches (everything queued since the last hand-over), which keeps a
 * store insert to one transaction. `flush` drains what is buffered (graceful shutdown).
 *
 * @example
 * ```ts
 * const sink = new AccessEventSink((batch) => repos.accessEvents.insertMany([...batch]), { capacity: 10_000 });
 * sink.push(event);
 * await sink.flush();
 * ```
 */
export class AccessEventSink {
  /** Events dropped because the buffer was full or the publisher failed. */
  dropped = 0;
  /** Events handed to the publisher successfully. */
  published = 0;
  private buffer: AccessEvent[] = [];
  private draining: Promise<void> | undefined;
  private readonly capacity: number;
  // Batching window: with a shared SQLite file, fewer and larger write transactions keep several
  // gateway processes from queueing on the write lock.
  private readonly intervalMs: number;

  constructor(
    private readonly publish: AccessEventPublisher,
    options: { capacity?: number; intervalMs?: number } = {},
  ) {
    this.capacity = options.capacity ?? 10_000;
    this.intervalMs = options.intervalMs ?? 0;
  }

  /** Queues an event; never blocks, never throws. */
  push(event: AccessEvent): void {
    if (this.buffer.length >= this.capacity) {
      this.dropped++;
      return;
    }
    this.buffer.push(event);
    if (!this.draining) {
      const wait =
        this.intervalMs > 0
          ? new Promise<void>((resolve) => setTimeout(resolve, this.intervalMs).unref())
          : new Promise<void>((resolve) => setImmediate(resolve));
      this.draining = wait.then(() => this.drain());
    }
  }

  /** Events waiting in the buffer. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Resolves once everything queued so far has been handed to the publisher. */
  async flush(): Promise<void> {
    while (this.draining || this.buffer.length > 0) {
      if (!this.draining) this.draining = this.drain();
      await this.draining;
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer;
        this.buffer = [];
        try {
          const r = this.publish(batch);
          if (r && typeof (r as Promise<void>).then === 'function') await r;
          this.published += batch.length;
        } catch {
          this.dropped += batch.length;
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}
