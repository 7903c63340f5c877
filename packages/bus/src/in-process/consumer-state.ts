import type { Topic } from '@tokenwarden/core';
import { LRUCache } from 'lru-cache';

/** An event delivered at least once and not yet acked: in flight, or waiting for its retry. */
export interface PendingDelivery {
  deliveries: number;
  /** When the retry is due (ms since epoch); `Infinity` while the handler runs. */
  dueAt: number;
}

/**
 * What the in-process bus remembers about one durable consumer, across subscriptions: where it
 * is in the topic, what is pending, and which event ids it already handled.
 *
 * @example
 * ```ts
 * const state = new ConsumerState('access', 'detection', log.nextSeq, 100_000);
 * ```
 */
export class ConsumerState {
  readonly topic: Topic;
  readonly name: string;
  /** Next sequence to deliver for the first time. */
  cursor: number;
  readonly pending = new Map<number, PendingDelivery>();
  readonly handled: LRUCache<string, true>;
  /** True while a subscription is delivering to this consumer. */
  active = false;

  constructor(topic: Topic, name: string, cursor: number, dedupSize: number) {
    this.topic = topic;
    this.name = name;
    this.cursor = cursor;
    this.handled = new LRUCache<string, true>({ max: dedupSize });
  }

  /** True when this consumer has not finished with `seq` yet. */
  needs(seq: number): boolean {
    return this.cursor <= seq || this.pending.has(seq);
  }

  /** The lowest-sequence retry that is due, if any; retries go before new events. */
  dueRetry(now: number): number | undefined {
    let best: number | undefined;
    for (const [seq, p] of this.pending) {
      if (p.dueAt <= now && (best === undefined || seq < best)) best = seq;
    }
    return best;
  }

  /** Milliseconds until the next retry is due, or undefined when none waits. */
  nextRetryIn(now: number): number | undefined {
    let soonest: number | undefined;
    for (const p of this.pending.values()) {
      if (p.dueAt !== Number.POSITIVE_INFINITY && (soonest === undefined || p.dueAt < soonest)) soonest = p.dueAt;
    }
    return soonest === undefined ? undefined : Math.max(0, soonest - now);
  }
}
