import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createLogger, type Logger } from '@tokenwarden/config';
import { TokenWardenError, type Topic, type TopicMap } from '@tokenwarden/core';
import { LRUCache } from 'lru-cache';
import { DeadLetterList, type DeliveryPolicy, errorText, redeliveryDelay, resolveDeliveryPolicy } from '../delivery-policy.js';
import { assertConsumerName, closedError, eventIdOf } from '../errors.js';
import { settlesWithin } from '../settles-within.js';
import { emptyStats } from '../stats.js';
import type { BusStats, DeadLetter, DeliveryOptions, EventBus, EventHandler, SubscribeOptions, Subscription } from '../types.js';
import { ConsumerState } from './consumer-state.js';
import { TopicLog } from './topic-log.js';

/** Options of {@link InProcessBus}. */
export interface InProcessBusOptions extends DeliveryOptions {
  logger?: Logger;
  /** Events retained per topic (for slow consumers and `fromStart` replay). Default 100 000. */
  retention?: number;
  /** How long `publish` waits for a full topic to make room before failing. Default 30 000 ms. */
  publishTimeoutMs?: number;
  /** Event ids per topic remembered at publish to drop re-publishes. Default `dedupSize`. */
  publishDedupSize?: number;
  /** How long `unsubscribe`/`close` wait for a handler in progress before giving up on it. Default 10 000 ms. */
  stopTimeoutMs?: number;
}

interface TopicState {
  log: TopicLog<unknown>;
  /** Recently published ids, so a retried publish of the same event is stored once. */
  recentIds: LRUCache<string, true>;
  consumers: Map<string, ConsumerState>;
  /** Publishers waiting for room in a full log. */
  roomWaiters: Set<() => void>;
}

interface ActiveSubscription {
  state: ConsumerState;
  stopped: boolean;
  wake: () => void;
  done: Promise<void>;
}

/**
 * The embedded default bus: every part in one process. Events are kept in a bounded log per
 * topic; each durable consumer has its own cursor, delivery loop (one handler at a time, so
 * first deliveries arrive in publish order), retries with backoff, dead letters after
 * `maxDeliver` failures, and an LRU of handled event ids. A full topic makes `publish` wait for
 * running consumers (backpressure) rather than dropping what they have not read yet.
 *
 * @example
 * ```ts
 * const bus = new InProcessBus({ maxDeliver: 5 });
 * await bus.subscribe('alert', 'response', async (alert) => respond(alert));
 * await bus.publish('alert', alert);
 * ```
 */
export class InProcessBus implements EventBus {
  readonly #policy: DeliveryPolicy;
  readonly #logger: Logger;
  readonly #retention: number;
  readonly #publishTimeoutMs: number;
  readonly #publishDedupSize: number;
  readonly #stopTimeoutMs: number;
  readonly #topics = new Map<Topic, TopicState>();
  readonly #active = new Set<ActiveSubscription>();
  readonly #deadLetters: DeadLetterList;
  readonly #stats: BusStats & { lost: number } = { ...emptyStats(), lost: 0 };
  #closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.#policy = resolveDeliveryPolicy(options);
    this.#logger = options.logger ?? createLogger({ level: 'silent' });
    this.#retention = options.retention ?? 100_000;
    if (!Number.isInteger(this.#retention) || this.#retention < 1)
      throw new RangeError(`retention must be an integer >= 1, got ${this.#retention}`);
    this.#publishTimeoutMs = options.publishTimeoutMs ?? 30_000;
    this.#publishDedupSize = Math.max(1, options.publishDedupSize ?? this.#policy.dedupSize);
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.#deadLetters = new DeadLetterList(this.#policy.deadLetterLimit);
  }

  async publish<T extends Topic>(topic: T, event: TopicMap[T]): Promise<void> {
    if (this.#closed) throw closedError('event bus');
    const id = eventIdOf(topic, event);
    const t = this.#topic(topic);
    if (t.recentIds.has(id)) {
      this.#stats.duplicatesDropped++;
      return;
    }
    // Copy now, so a publisher mutating its object afterwards cannot change what consumers see.
    const stored = structuredClone(event);
    while (t.log.full) await this.#makeRoom(topic, t);
    if (this.#closed) throw closedError('event bus');
    if (t.recentIds.has(id)) {
      this.#stats.duplicatesDropped++;
      return;
    }
    t.recentIds.set(id, true);
    t.log.append(id, stored);
    this.#stats.published++;
    for (const sub of this.#active) if (sub.state.topic === topic) sub.wake();
  }

  async subscribe<T extends Topic>(
    topic: T,
    consumer: string,
    handler: EventHandler<T>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    if (this.#closed) throw closedError('event bus');
    assertConsumerName(consumer);
    const t = this.#topic(topic);
    let state = t.consumers.get(consumer);
    if (state === undefined) {
      state = new ConsumerState(topic, consumer, options.fromStart ? t.log.firstSeq : t.log.nextSeq, this.#policy.dedupSize);
      t.consumers.set(consumer, state);
    }
    if (state.active) {
      throw new TokenWardenError('TW_CONFLICT', `consumer "${consumer}" of topic "${topic}" is already subscribed in this process`, {
        hint: 'unsubscribe the running subscription first, or use another consumer name',
      });
    }
    state.active = true;
    const sub: ActiveSubscription = { state, stopped: false, wake: () => {}, done: Promise.resolve() };
    sub.done = this.#deliveryLoop(sub, t, handler as EventHandler<Topic>, Math.max(1, options.batch ?? 64));
    this.#active.add(sub);
    return {
      topic,
      consumer,
      unsubscribe: async () => {
        await this.#stop(sub);
      },
    };
  }

  deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters.list();
  }

  /** Counters, plus `lost`: events evicted before a durable consumer that was not running read them. */
  stats(): Readonly<BusStats & { lost: number }> {
    return { ...this.#stats };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#active].map((sub) => this.#stop(sub)));
    for (const t of this.#topics.values()) for (const wake of t.roomWaiters) wake();
  }

  #topic(topic: Topic): TopicState {
    let t = this.#topics.get(topic);
    if (t === undefined) {
      t = {
        log: new TopicLog(this.#retention),
        recentIds: new LRUCache<string, true>({ max: this.#publishDedupSize }),
        consumers: new Map(),
        roomWaiters: new Set(),
      };
      this.#topics.set(topic, t);
    }
    return t;
  }

  async #stop(sub: ActiveSubscription): Promise<void> {
    sub.stopped = true;
    sub.wake();
    if (!(await settlesWithin(sub.done, this.#stopTimeoutMs))) {
      this.#logger.warn({ topic: sub.state.topic, consumer: sub.state.name }, 'handler still running at unsubscribe; abandoned it');
    }
    this.#active.delete(sub);
    sub.state.active = false;
  }

  /**
   * Frees the oldest slot of a full log: evicts it when no running consumer still needs it,
   * otherwise waits for one to ack (or times out, naming the consumer that is behind).
   */
  async #makeRoom(topic: Topic, t: TopicState): Promise<void> {
    const oldest = t.log.firstSeq;
    const blocking = [...t.consumers.values()].find((c) => c.active && c.needs(oldest));
    if (blocking === undefined) {
      const evicted = t.log.evictOldest();
      for (const c of t.consumers.values()) {
        if (!c.active && c.needs(oldest)) {
          this.#stats.lost++;
          c.pending.delete(oldest);
          this.#logger.warn(
            { topic, consumer: c.name, seq: evicted?.seq },
            'in-process bus evicted an event a stopped durable consumer had not read',
          );
        }
      }
      return;
    }
    let wake = () => {};
    const room = new Promise<void>((resolve) => {
      wake = resolve;
    });
    t.roomWaiters.add(wake);
    const timer = setTimeout(wake, this.#publishTimeoutMs);
    try {
      await room;
    } finally {
      clearTimeout(timer);
      t.roomWaiters.delete(wake);
    }
    if (this.#closed) throw closedError('event bus');
    if (t.log.full && t.log.firstSeq === oldest && blocking.active && blocking.needs(oldest)) {
      throw new TokenWardenError(
        'TW_UNAVAILABLE',
        `in-process bus topic "${topic}" is full: consumer "${blocking.name}" is ${t.log.size} events behind`,
        {
          hint: 'the consumer is stuck or too slow; fix its handler, raise bus retention, or use the NATS bus',
          data: { topic, consumer: blocking.name },
        },
      );
    }
  }

  async #deliveryLoop(sub: ActiveSubscription, t: TopicState, handler: EventHandler<Topic>, batch: number): Promise<void> {
    const state = sub.state;
    // Let subscribe() return before the first delivery, as with a remote bus.
    await yieldToEventLoop();
    let sinceYield = 0;
    while (!sub.stopped) {
      const seq = this.#nextSeq(state, t);
      if (seq === undefined) {
        await this.#idle(sub, state);
        continue;
      }
      await this.#deliver(state, t, seq, handler);
      for (const wake of t.roomWaiters) wake();
      if (++sinceYield >= batch) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
  }

  #nextSeq(state: ConsumerState, t: TopicState): number | undefined {
    const retry = state.dueRetry(Date.now());
    if (retry !== undefined) return retry;
    if (state.cursor < t.log.firstSeq) state.cursor = t.log.firstSeq;
    return state.cursor < t.log.nextSeq ? state.cursor : undefined;
  }

  async #idle(sub: ActiveSubscription, state: ConsumerState): Promise<void> {
    const retryIn = state.nextRetryIn(Date.now());
    await new Promise<void>((resolve) => {
      const timer = retryIn === undefined ? undefined : setTimeout(resolve, retryIn);
      sub.wake = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    });
    sub.wake = () => {};
  }

  async #deliver(state: ConsumerState, t: TopicState, seq: number, handler: EventHandler<Topic>): Promise<void> {
    if (seq === state.cursor) state.cursor++;
    const entry = t.log.get(seq);
    if (entry === undefined) {
      state.pending.delete(seq);
      return;
    }
    if (state.handled.has(entry.id)) {
      state.pending.delete(seq);
      this.#stats.dedupSkipped++;
      return;
    }
    const deliveries = (state.pending.get(seq)?.deliveries ?? 0) + 1;
    state.pending.set(seq, { deliveries, dueAt: Number.POSITIVE_INFINITY });
    this.#stats.delivered++;
    if (deliveries > 1) this.#stats.redelivered++;
    try {
      await handler(structuredClone(entry.event) as TopicMap[Topic], { redelivered: deliveries > 1, seq });
    } catch (e) {
      this.#failed(state, seq, entry.id, deliveries, e);
      return;
    }
    state.pending.delete(seq);
    state.handled.set(entry.id, true);
    this.#stats.acked++;
  }

  #failed(state: ConsumerState, seq: number, eventId: string, deliveries: number, e: unknown): void {
    const error = errorText(e);
    if (deliveries >= this.#policy.maxDeliver) {
      state.pending.delete(seq);
      this.#stats.deadLettered++;
      this.#deadLetters.add({ topic: state.topic, consumer: state.name, eventId, seq, deliveries, error, time: new Date().toISOString() });
      this.#logger.error({ topic: state.topic, consumer: state.name, eventId, seq, deliveries, error }, 'event parked as dead letter');
      return;
    }
    const delay = redeliveryDelay(this.#policy, deliveries);
    state.pending.set(seq, { deliveries, dueAt: Date.now() + delay });
    this.#logger.warn(
      { topic: state.topic, consumer: state.name, eventId, seq, deliveries, delay, error },
      'event handler failed; will redeliver',
    );
  }
}
