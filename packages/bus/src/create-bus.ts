import type { BusConfig, Logger } from '@tokenwarden/config';
import { InProcessBus } from './in-process/in-process-bus.js';
import { JetStreamBus } from './jetstream/jetstream-bus.js';
import type { DeliveryOptions, EventBus } from './types.js';

/** Options of {@link createBus}. */
export interface CreateBusOptions extends DeliveryOptions {
  logger?: Logger;
  /** JetStream only: how long the server waits for an ack before redelivering. Default 30 000 ms. */
  ackWaitMs?: number;
}

/**
 * Creates the bus the configuration asks for: `memory` (in-process, the embedded default) or
 * `nats` (JetStream at `bus.url`, streams prefixed with `bus.stream_prefix`). An unreachable
 * NATS gives a `TW_UNAVAILABLE` error naming host:port within a few seconds.
 *
 * @example
 * ```ts
 * const bus = await createBus(cfg.bus, { logger });
 * ```
 */
export async function createBus(config: BusConfig, options: CreateBusOptions = {}): Promise<EventBus> {
  if (config.driver === 'nats') {
    return JetStreamBus.connect({ ...options, url: config.url, streamPrefix: config.stream_prefix });
  }
  return new InProcessBus(options);
}
