import {
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger, type Logger } from '@tokenwarden/config';
import type { Topic, TopicMap } from '@tokenwarden/core';
import { LRUCache } from 'lru-cache';
import { DeadLetterList, type DeliveryPolicy, errorText, redeliveryDelay, resolveDeliveryPolicy } from '../delivery-policy.js';
import { assertConsumerName, closedError, eventIdOf } from '../errors.js';
import { connectNats, natsAddress } from '../nats-connect.js';
import { settlesWithin } from '../settles-within.js';
import { emptyStats } from '../stats.js';
import type { BusStats, DeadLetter, DeliveryOptions, EventBus, EventHandler, SubscribeOptions, Subscription } from '../types.js';
import { ensureConsumer, ensureStream, jetStreamUnavailable, streamName, topicSubject } from './streams.js';

/** Options of {@link JetStreamBus.connect}. */
export interface JetStreamBusOptions extends DeliveryOptions {
  /** `nats://host:port`. */
  url: string;
  /** Prefix of stream names and subjects; lets several deployments (or test runs) share a server. */
  streamPrefix: string;
  logger?: Logger;
  /** How long the server waits for an ack before redelivering. Default 30 000 ms. */
  ackWaitMs?: number;
  /** Server-side window in which a re-published event id is dropped. Default 120 000 ms. */
  duplicateWindowMs?: number;
  /** How long streams keep events. Default 7 days. */
  maxAgeMs?: number;
  /** How long a publish waits for the server's ack. Default 5000 ms. */
  publishTimeoutMs?: number;
  /** How long the first connection may take. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** How long `unsubscribe`/`close` wait for a handler in progress before giving up on it (it will be redelivered). Default 10 000 ms. */
  stopTimeoutMs?: number;
}

interface RunningSubscription {
  messages: ConsumerMessages;
  stopped: boolean;
  done: Promise<void>;
}

/**
 * The production bus over NATS JetStream: one stream per topic, publishes deduplicated by the
 * server on `msgID = event.id`, durable pull consumers with explicit acks, naks with backoff on
 * handler failure, dead letters (terminated messages) after `maxDeliver`, and a per-consumer LRU
 * of handled event ids for redeliveries that arrive after the server's dedup window.
 *
 * @example
 * ```ts
 * const bus = await JetStreamBus.connect({ url: 'nats://127.0.0.1:4222', streamPrefix: 'TOKENWARDEN' });
 * await bus.subscribe('access', 'detection', async (event) => detector.observe(event));
 * ```
 */
export class JetStreamBus implements EventBus {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #options: JetStreamBusOptions;
  readonly #policy: DeliveryPolicy;
  readonly #logger: Logger;
  readonly #address: string;
  readonly #streams = new Map<Topic, Promise<void>>();
  readonly #handled = new Map<string, LRUCache<string, true>>();
  readonly #running = new Set<RunningSubscription>();
  readonly #deadLetters: DeadLetterList;
  readonly #stats = emptyStats();
  #closed = false;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, options: JetStreamBusOptions) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = jetstream(nc);
    this.#options = options;
    this.#policy = resolveDeliveryPolicy(options);
    this.#logger = options.logger ?? createLogger({ level: 'silent' });
    this.#address = natsAddress(options.url);
    this.#deadLetters = new DeadLetterList(this.#policy.deadLetterLimit);
  }

  /**
   * Connects and checks that JetStream is enabled; fails within seconds with a
   * `TW_UNAVAILABLE` error naming the server when it is not reachable.
   */
  static async connect(options: JetStreamBusOptions): Promise<JetStreamBus> {
    const nc = await connectNats({
      url: options.url,
      name: `tokenwarden-bus-${options.streamPrefix}`,
      timeoutMs: options.connectTimeoutMs ?? 3000,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: options.connectTimeoutMs ?? 3000 });
      return new JetStreamBus(nc, jsm, options);
    } catch (e) {
      await nc.close().catch(() => {});
      throw jetStreamUnavailable(e, natsAddress(options.url), 'open JetStream');
    }
  }

  async publish<T extends Topic>(topic: T, event: TopicMap[T]): Promise<void> {
    if (this.#closed) throw closedError('event bus');
    const id = eventIdOf(topic, event);
    await this.#ensureStream(topic);
    const subject = topicSubject(this.#options.streamPrefix, topic);
    try {
      const ack = await this.#js.publish(subject, JSON.stringify(event), { msgID: id, timeout: this.#options.publishTimeoutMs ?? 5000 });
      if (ack.duplicate) this.#stats.duplicatesDropped++;
      else this.#stats.published++;
    } catch (e) {
      throw jetStreamUnavailable(e, this.#address, `publish to ${subject}`);
    }
  }

  async subscribe<T extends Topic>(
    topic: T,
    consumer: string,
    handler: EventHandler<T>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    if (this.#closed) throw closedError('event bus');
    assertConsumerName(consumer);
    await this.#ensureStream(topic);
    const stream = streamName(this.#options.streamPrefix, topic);
    let messages: ConsumerMessages;
    try {
      await ensureConsumer(this.#jsm, this.#options.streamPrefix, topic, {
        durable: consumer,
        fromStart: options.fromStart ?? false,
        ackWaitMs: this.#ackWaitMs(),
        maxDeliver: this.#policy.maxDeliver,
      });
      const c = await this.#js.consumers.get(stream, consumer);
      messages = await c.consume({ max_messages: Math.max(1, options.batch ?? 64) });
    } catch (e) {
      throw jetStreamUnavailable(e, this.#address, `subscribe ${consumer} to ${stream}`);
    }
    const key = `${topic}/${consumer}`;
    let handled = this.#handled.get(key);
    if (handled === undefined) {
      handled = new LRUCache<string, true>({ max: this.#policy.dedupSize });
      this.#handled.set(key, handled);
    }
    const run: RunningSubscription = { messages, stopped: false, done: Promise.resolve() };
    run.done = this.#consumeLoop(run, topic, consumer, handled, handler as EventHandler<Topic>);
    this.#running.add(run);
    return { topic, consumer, unsubscribe: () => this.#stop(run) };
  }

  deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters.list();
  }

  stats(): Readonly<BusStats> {
    return { ...this.#stats };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#running].map((run) => this.#stop(run)));
    // drain flushes pending acks before the socket closes, so nothing handled is redelivered.
    await this.#nc.drain().catch(() => this.#nc.close());
  }

  #ackWaitMs(): number {
    return this.#options.ackWaitMs ?? 30_000;
  }

  #ensureStream(topic: Topic): Promise<void> {
    let p = this.#streams.get(topic);
    if (p === undefined) {
      const settings = {
        duplicateWindowMs: this.#options.duplicateWindowMs ?? 120_000,
        maxAgeMs: this.#options.maxAgeMs ?? 7 * 86_400_000,
      };
      p = ensureStream(this.#jsm, this.#options.streamPrefix, topic, settings).catch((e: unknown) => {
        this.#streams.delete(topic);
        throw jetStreamUnavailable(e, this.#address, `create stream ${streamName(this.#options.streamPrefix, topic)}`);
      });
      this.#streams.set(topic, p);
    }
    return p;
  }

  async #stop(run: RunningSubscription): Promise<void> {
    if (!run.stopped) {
      run.stopped = true;
      run.messages.stop();
    }
    if (!(await settlesWithin(run.done, this.#options.stopTimeoutMs ?? 10_000))) {
      this.#logger.warn({}, 'handler still running at unsubscribe; abandoned it (the server will redeliver its event)');
    }
    this.#running.delete(run);
  }

  async #consumeLoop(
    run: RunningSubscription,
    topic: Topic,
    consumer: string,
    handled: LRUCache<string, true>,
    handler: EventHandler<Topic>,
  ): Promise<void> {
    try {
      for await (const m of run.messages) {
        if (run.stopped) {
          // Pulled but not handed out: give it back now instead of after ack_wait.
          m.nak();
          continue;
        }
        await this.#handle(m, topic, consumer, handled, handler);
      }
    } catch (e) {
      if (!run.stopped) this.#logger.error({ topic, consumer, error: errorText(e) }, 'JetStream consumer stopped unexpectedly');
    }
  }

  async #handle(m: JsMsg, topic: Topic, consumer: string, handled: LRUCache<string, true>, handler: EventHandler<Topic>): Promise<void> {
    let event: TopicMap[Topic];
    let id: string;
    try {
      event = JSON.parse(new TextDecoder().decode(m.data)) as TopicMap[Topic];
      id = eventIdOf(topic, event);
    } catch (e) {
      this.#stats.malformed++;
      this.#logger.error({ topic, consumer, seq: m.seq, error: errorText(e) }, 'stored message is not a valid event; terminated');
      m.term('malformed event');
      return;
    }
    if (handled.has(id)) {
      this.#stats.dedupSkipped++;
      m.ack();
      return;
    }
    const deliveries = m.info.deliveryCount;
    this.#stats.delivered++;
    if (m.redelivered) this.#stats.redelivered++;
    // Keep the server from redelivering while a slow handler is still working on it.
    const keepAlive = setInterval(() => m.working(), Math.max(100, this.#ackWaitMs() / 2));
    try {
      await handler(event, { redelivered: m.redelivered, seq: m.seq });
    } catch (e) {
      this.#failed(m, topic, consumer, id, deliveries, e);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    handled.set(id, true);
    m.ack();
    this.#stats.acked++;
  }

  #failed(m: JsMsg, topic: Topic, consumer: string, eventId: string, deliveries: number, e: unknown): void {
    const error = errorText(e);
    if (deliveries >= this.#policy.maxDeliver) {
      m.term(`dead letter after ${deliveries} deliveries`);
      this.#stats.deadLettered++;
      this.#deadLetters.add({ topic, consumer, eventId, seq: m.seq, deliveries, error, time: new Date().toISOString() });
      this.#logger.error({ topic, consumer, eventId, seq: m.seq, deliveries, error }, 'event parked as dead letter');
      return;
    }
    const delay = redeliveryDelay(this.#policy, deliveries);
    m.nak(delay);
    this.#logger.warn({ topic, consumer, eventId, seq: m.seq, deliveries, delay, error }, 'event handler failed; will redeliver');
  }
}
