import type { Topic, TopicMap } from '@tokenwarden/core';

/** What a handler learns about a delivery besides the event itself. */
export interface DeliveryMeta {
  /** True when this consumer saw the event before (a retry after a failure, a restart or an ack timeout). */
  redelivered: boolean;
  /** Position of the event in its topic, when the bus numbers events (both built-in buses do). */
  seq?: number;
}

/**
 * Handles one event. Resolving acknowledges it; throwing (or rejecting) asks for a redelivery
 * later, so a handler must be idempotent or rely on the bus's per-consumer dedup by event id.
 */
export type EventHandler<T extends Topic> = (event: TopicMap[T], meta: DeliveryMeta) => Promise<void>;

/** Options of {@link EventBus.subscribe}. */
export interface SubscribeOptions {
  /**
   * When the durable consumer does not exist yet, start from the oldest retained event instead
   * of only events published from now on. An existing durable always resumes where it left off.
   */
  fromStart?: boolean;
  /** How many events to fetch per pull (JetStream) or per turn of the delivery loop (in-process). Default 64. */
  batch?: number;
}

/** A running subscription of a durable consumer. */
export interface Subscription {
  readonly topic: Topic;
  readonly consumer: string;
  /**
   * Stops delivery and waits for the handler in progress to finish. The durable consumer keeps
   * its position: subscribing again with the same name resumes after the last acked event, and
   * unacked events are delivered again.
   */
  unsubscribe(): Promise<void>;
}

/** An event that exhausted its deliveries and was set aside instead of blocking or looping. */
export interface DeadLetter {
  topic: Topic;
  consumer: string;
  eventId: string;
  seq: number | undefined;
  deliveries: number;
  /** Message of the last handler error (never the event payload, which can be large). */
  error: string;
  time: string;
}

/** Counters a bus keeps for operators (`bus.stats()`). */
export interface BusStats {
  published: number;
  /** Publishes dropped because the same event id was published recently. */
  duplicatesDropped: number;
  delivered: number;
  acked: number;
  redelivered: number;
  /** Deliveries skipped because this consumer already handled that event id. */
  dedupSkipped: number;
  deadLettered: number;
  /** Stored messages that were not valid events (JetStream only; parked, never handed to a handler). */
  malformed: number;
}

/**
 * The event bus: the only way parts of TokenWarden talk to each other. At-least-once delivery
 * to durable consumers, per-consumer ordering of first deliveries, and idempotency by event id
 * (`event.id` is the idempotency key on both publish and consume).
 *
 * @example
 * ```ts
 * const bus = await createBus(cfg.bus, { logger });
 * await bus.subscribe('access', 'detection', async (event) => detector.observe(event));
 * await bus.publish('access', accessEvent);
 * await bus.close();
 * ```
 */
export interface EventBus {
  /** Publishes an event; resolves once the bus has accepted (JetStream: stored) it. */
  publish<T extends Topic>(topic: T, event: TopicMap[T]): Promise<void>;
  /** Starts delivering events of `topic` to the durable consumer `consumer` (letters, digits, `_`, `-`). */
  subscribe<T extends Topic>(topic: T, consumer: string, handler: EventHandler<T>, options?: SubscribeOptions): Promise<Subscription>;
  /** Events parked after `maxDeliver` failed deliveries, most recent last (bounded). */
  deadLetters(): readonly DeadLetter[];
  /** Counters since this bus was created. */
  stats(): Readonly<BusStats>;
  /** Stops every subscription (waiting for handlers in progress) and releases connections. */
  close(): Promise<void>;
}

/** Delivery tuning shared by both buses. */
export interface DeliveryOptions {
  /** Deliveries of one event before it is parked as a dead letter. Default 5. */
  maxDeliver?: number;
  /** Delay before the n-th redelivery is `backoffMs[n-1]` (last value repeats). Default [200, 1000, 5000, 15000]. */
  backoffMs?: readonly number[];
  /** Event ids each consumer remembers as handled, to skip redeliveries of work already done. Default 100 000. */
  dedupSize?: number;
  /** Dead letters kept in memory for `deadLetters()`. Default 1000. */
  deadLetterLimit?: number;
}
