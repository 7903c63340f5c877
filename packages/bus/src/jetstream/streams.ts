import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { type Topic, UnavailableError } from '@tokenwarden/core';

/**
 * Stream of a topic: `${prefix}_${TOPIC}`, e.g. `TOKENWARDEN_ACCESS`.
 *
 * @example
 * ```ts
 * streamName('TOKENWARDEN', 'access'); // "TOKENWARDEN_ACCESS"
 * ```
 */
export function streamName(prefix: string, topic: Topic): string {
  return `${prefix}_${topic.toUpperCase()}`;
}

/**
 * Subject events of a topic are published on: `${prefix}.${topic}`.
 *
 * @example
 * ```ts
 * topicSubject('TOKENWARDEN', 'alert'); // "TOKENWARDEN.alert"
 * ```
 */
export function topicSubject(prefix: string, topic: Topic): string {
  return `${prefix}.${topic}`;
}

/** Retention and dedup settings of the per-topic streams. */
export interface StreamSettings {
  /** Window in which a re-published event id is dropped by the server. */
  duplicateWindowMs: number;
  /** Events older than this are removed. */
  maxAgeMs: number;
}

function isNotFound(e: unknown, code: number): boolean {
  return e instanceof JetStreamApiError && e.code === code;
}

/**
 * Creates the stream of a topic, or updates it when its subject or limits drifted. Safe to run
 * from many processes at once: a lost creation race falls back to update.
 *
 * @example
 * ```ts
 * await ensureStream(jsm, 'TOKENWARDEN', 'access', { duplicateWindowMs: 120_000, maxAgeMs: 7 * 86_400_000 });
 * ```
 */
export async function ensureStream(jsm: JetStreamManager, prefix: string, topic: Topic, settings: StreamSettings): Promise<void> {
  const name = streamName(prefix, topic);
  const wanted: Partial<StreamConfig> & { name: string } = {
    name,
    subjects: [topicSubject(prefix, topic)],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(settings.duplicateWindowMs),
    max_age: nanos(settings.maxAgeMs),
  };
  try {
    const info = await jsm.streams.info(name);
    const c = info.config;
    if (c.subjects?.join() !== wanted.subjects?.join() || c.duplicate_window !== wanted.duplicate_window || c.max_age !== wanted.max_age) {
      await jsm.streams.update(name, { ...c, ...wanted });
    }
    return;
  } catch (e) {
    if (!isNotFound(e, JetStreamApiCodes.StreamNotFound)) throw e;
  }
  try {
    await jsm.streams.add(wanted);
  } catch (e) {
    // Another process created it between our lookup and our add.
    const info = await jsm.streams.info(name).catch(() => undefined);
    if (info === undefined) throw e;
  }
}

/** Settings of a durable pull consumer. */
export interface ConsumerSettings {
  durable: string;
  fromStart: boolean;
  ackWaitMs: number;
  maxDeliver: number;
}

/**
 * Creates a durable pull consumer with explicit acks, or updates its ack wait and max-deliver.
 * An existing durable keeps its position; `fromStart` only matters on creation.
 *
 * @example
 * ```ts
 * await ensureConsumer(jsm, 'TOKENWARDEN', 'access', { durable: 'detection', fromStart: false, ackWaitMs: 30_000, maxDeliver: 5 });
 * ```
 */
export async function ensureConsumer(jsm: JetStreamManager, prefix: string, topic: Topic, s: ConsumerSettings): Promise<void> {
  const stream = streamName(prefix, topic);
  const ackWait = nanos(s.ackWaitMs);
  try {
    const info = await jsm.consumers.info(stream, s.durable);
    if (info.config.ack_wait !== ackWait || info.config.max_deliver !== s.maxDeliver) {
      await jsm.consumers.update(stream, s.durable, { ack_wait: ackWait, max_deliver: s.maxDeliver });
    }
    return;
  } catch (e) {
    if (!isNotFound(e, JetStreamApiCodes.ConsumerNotFound)) throw e;
  }
  const config: Partial<ConsumerConfig> = {
    durable_name: s.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: s.fromStart ? DeliverPolicy.All : DeliverPolicy.New,
    ack_wait: ackWait,
    max_deliver: s.maxDeliver,
    filter_subject: topicSubject(prefix, topic),
  };
  try {
    await jsm.consumers.add(stream, config);
  } catch (e) {
    const info = await jsm.consumers.info(stream, s.durable).catch(() => undefined);
    if (info === undefined) throw e;
  }
}

/**
 * Turns a JetStream failure into an error that names the server and what to do.
 *
 * @example
 * ```ts
 * catch (e) { throw jetStreamUnavailable(e, '127.0.0.1:4222', 'publish to TOKENWARDEN.access'); }
 * ```
 */
export function jetStreamUnavailable(cause: unknown, address: string, what: string): UnavailableError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const hint = /jetstream.*not enabled|not enabled.*jetstream/i.test(reason)
    ? 'start nats-server with JetStream enabled (-js)'
    : 'check that nats-server is running with -js and that bus.url points at it';
  return new UnavailableError('NATS JetStream', address, hint, { cause, data: { operation: what, reason } });
}
