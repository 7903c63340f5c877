import type { EventBus, Subscription } from '@tokenwarden/bus';
import type { AccessEvent, Alert, LifecycleEvent } from '@tokenwarden/core';
import type { AlertRepository } from '@tokenwarden/store';
import type { Enricher } from '../enrich/enricher.js';
import { createEnricher } from '../enrich/enricher.js';
import { lifecycleAttributes } from '../ingest/lifecycle-signals.js';
import { normaliseIp, parseEventTime } from '../ingest/time-and-ip.js';
import type { NormalisedEvent } from '../ingest/types.js';
import type { AlertEngine } from './engine-port.js';

/** Options of {@link runDetectionWorker}. */
export interface DetectionWorkerOptions {
  bus: Pick<EventBus, 'subscribe' | 'publish'>;
  repos: { alerts: Pick<AlertRepository, 'insert'> };
  engine: AlertEngine;
  /** Enrichment (default: user agents only; pass `createEnricher({ ipIntel: createIpIntel() })` for geo). */
  enrich?: Enricher;
  /** Durable consumer name on both topics (default `detection`). */
  consumer?: string;
}

/** A running detection worker. */
export interface DetectionWorker {
  /** Events processed and alerts raised so far. */
  stats(): { events: number; skipped: number; alerts: number };
  /** Stops consuming (waiting for the handler in progress); the engine keeps its state. */
  stop(): Promise<void>;
}

/**
 * A bus access event as a normalised event, or undefined when it names no credential.
 *
 * @example
 * ```ts
 * fromAccessEvent(event)?.credential_key;
 * ```
 */
export function fromAccessEvent(event: AccessEvent): NormalisedEvent | undefined {
  const ts = parseEventTime(event.time);
  if (!event.credential_id || ts === undefined) return undefined;
  const sourceIp = event.source_ip ? normaliseIp(event.source_ip) : undefined;
  const { source_ip: _ip, ...rest } = event;
  return { ...rest, ...(sourceIp ? { source_ip: sourceIp } : {}), ts, credential_key: event.credential_id };
}

/**
 * A bus lifecycle event (revoked token presented, refresh reuse, canary use...) as a normalised
 * event carrying its signal in `lifecycle`, or undefined when it names no credential.
 *
 * @example
 * ```ts
 * fromLifecycleEvent({ id: 'l1', time, type: 'canary.used', credential_id: 'c1', source_system: 'token-service' })?.lifecycle; // 'canary.used'
 * ```
 */
export function fromLifecycleEvent(event: LifecycleEvent): NormalisedEvent | undefined {
  const ts = parseEventTime(event.time);
  if (!event.credential_id || ts === undefined) return undefined;
  const sourceIp = event.source_ip ? normaliseIp(event.source_ip) : undefined;
  const out: NormalisedEvent = {
    id: event.id,
    time: event.time,
    ts,
    credential_id: event.credential_id,
    credential_key: event.credential_id,
    outcome: 'unknown',
    operation: `lifecycle:${event.type}`,
    source_system: event.source_system,
    lifecycle: event.type,
  };
  if (event.credential_kind) out.credential_kind = event.credential_kind;
  if (event.principal) out.principal = event.principal;
  if (sourceIp) out.source_ip = sourceIp;
  if (event.user_agent) out.user_agent = event.user_agent;
  if (event.request_id) out.request_id = event.request_id;
  const attributes = lifecycleAttributes(event, undefined);
  if (attributes !== undefined) out.attributes = attributes;
  return out;
}

// Events whose alerts could not be stored yet: a redelivery retries the store, not the engine
// (which already learned from the event and must not count it twice).
const PENDING_LIMIT = 10_000;

/**
 * The server-side detection consumer: subscribes to the `access` and `lifecycle` topics, runs
 * every event through the engine, stores each alert (`repos.alerts.insert`) and publishes it on
 * the `alert` topic. A failure to store or publish rejects the delivery so the bus redelivers;
 * the retry stores the same alerts without feeding the event to the engine again.
 *
 * @example
 * ```ts
 * const worker = await runDetectionWorker({ bus, repos: createRepositories(db), engine: createDetectionEngine() });
 * // ... on shutdown:
 * await worker.stop();
 * ```
 */
export async function runDetectionWorker(options: DetectionWorkerOptions): Promise<DetectionWorker> {
  const { bus, repos, engine } = options;
  const enrich = options.enrich ?? createEnricher();
  const consumer = options.consumer ?? 'detection';
  const counters = { events: 0, skipped: 0, alerts: 0 };
  const pending = new Map<string, Alert[]>();

  const deliver = async (alerts: Alert[]): Promise<void> => {
    for (const alert of alerts) {
      await repos.alerts.insert(alert);
      // Publish even when the insert found it stored: a crash may have come between the two, and the bus dedups by id.
      await bus.publish('alert', alert);
    }
  };
  const handle = async (eventId: string, normalise: () => NormalisedEvent | undefined): Promise<void> => {
    let alerts = pending.get(eventId);
    if (!alerts) {
      const event = normalise();
      if (!event) {
        counters.skipped++;
        return;
      }
      counters.events++;
      alerts = engine.process(enrich(event));
      counters.alerts += alerts.length;
      if (alerts.length === 0) return;
      if (pending.size >= PENDING_LIMIT) pending.delete(pending.keys().next().value as string);
      pending.set(eventId, alerts);
    }
    await deliver(alerts);
    pending.delete(eventId);
  };

  const subscriptions: Subscription[] = [
    await bus.subscribe('access', consumer, (event) => handle(event.id, () => fromAccessEvent(event))),
    await bus.subscribe('lifecycle', consumer, (event) => handle(event.id, () => fromLifecycleEvent(event))),
  ];
  return {
    stats: () => ({ ...counters }),
    async stop() {
      await Promise.all(subscriptions.map((s) => s.unsubscribe()));
    },
  };
}
