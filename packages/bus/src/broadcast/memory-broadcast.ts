import { createLogger, type Logger } from '@tokenwarden/config';
import { closedError } from '../errors.js';
import { assertChannel, encodePayload } from './channel.js';
import { HandlerSet } from './handler-set.js';
import type { Broadcast, BroadcastHandler } from './types.js';

/**
 * Connects in-memory broadcasts of one process, the way a server connects remote ones.
 *
 * @example
 * ```ts
 * const hub = new MemoryBroadcastHub();
 * const a = new MemoryBroadcast({ hub }); const b = new MemoryBroadcast({ hub });
 * ```
 */
export class MemoryBroadcastHub {
  readonly members = new Set<HandlerSet>();
}

/** Options of {@link MemoryBroadcast}. */
export interface MemoryBroadcastOptions {
  /** Share one hub between instances that should hear each other; default a private hub. */
  hub?: MemoryBroadcastHub;
  logger?: Logger;
}

/**
 * Broadcast within one process (the embedded default). Delivery is asynchronous and every
 * handler gets a JSON copy, so code behaves the same as over NATS or Redis. There is no
 * connection, so `onReconnect` handlers never run.
 *
 * @example
 * ```ts
 * const bc = new MemoryBroadcast();
 * await bc.subscribe('blocks', (order) => apply(order));
 * await bc.publish('blocks', { ip: '203.0.113.9' });
 * ```
 */
export class MemoryBroadcast implements Broadcast {
  readonly #hub: MemoryBroadcastHub;
  readonly #handlers: HandlerSet;
  #closed = false;

  constructor(options: MemoryBroadcastOptions = {}) {
    this.#hub = options.hub ?? new MemoryBroadcastHub();
    this.#handlers = new HandlerSet(options.logger ?? createLogger({ level: 'silent' }));
    this.#hub.members.add(this.#handlers);
  }

  async publish(channel: string, payload: object): Promise<void> {
    if (this.#closed) throw closedError('broadcast');
    assertChannel(channel);
    const text = encodePayload(payload);
    for (const member of this.#hub.members) queueMicrotask(() => member.dispatch(channel, text));
  }

  async subscribe(channel: string, handler: BroadcastHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw closedError('broadcast');
    assertChannel(channel);
    this.#handlers.add(channel, handler);
    return async () => {
      this.#handlers.remove(channel, handler);
    };
  }

  onReconnect(handler: () => void): void {
    this.#handlers.onReconnect(handler);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    this.#hub.members.delete(this.#handlers);
  }
}
