import type { Logger } from '@tokenwarden/config';
import { errorText } from '../delivery-policy.js';
import { decodePayload } from './channel.js';
import type { BroadcastHandler } from './types.js';

/**
 * The local side of every broadcast transport: handlers per channel, decoding, and isolation so
 * one failing handler never stops the others or later messages.
 *
 * @example
 * ```ts
 * const handlers = new HandlerSet(logger);
 * const first = handlers.add('revocations', h); // true: subscribe on the wire now
 * handlers.dispatch('revocations', '{"jti":"x"}');
 * ```
 */
export class HandlerSet {
  readonly #byChannel = new Map<string, Set<BroadcastHandler>>();
  readonly #reconnectHandlers: Array<() => void> = [];
  readonly #logger: Logger;
  /** Messages dropped because they were not JSON objects. */
  malformed = 0;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds a handler; true when it is the channel's first (the transport must subscribe). */
  add(channel: string, handler: BroadcastHandler): boolean {
    let set = this.#byChannel.get(channel);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.#byChannel.set(channel, set);
    }
    set.add(handler);
    return first;
  }

  /** Removes a handler; true when the channel has none left (the transport may unsubscribe). */
  remove(channel: string, handler: BroadcastHandler): boolean {
    const set = this.#byChannel.get(channel);
    if (set === undefined || !set.delete(handler)) return false;
    if (set.size > 0) return false;
    this.#byChannel.delete(channel);
    return true;
  }

  channels(): string[] {
    return [...this.#byChannel.keys()];
  }

  clear(): void {
    this.#byChannel.clear();
  }

  dispatch(channel: string, text: string): void {
    const set = this.#byChannel.get(channel);
    if (set === undefined) return;
    const payload = decodePayload(text);
    if (payload === undefined) {
      this.malformed++;
      this.#logger.warn({ channel, bytes: text.length }, 'dropped a broadcast message that is not a JSON object');
      return;
    }
    for (const handler of set) {
      // Each handler gets its own copy, as it would from the wire.
      const own = set.size === 1 ? payload : structuredClone(payload);
      try {
        Promise.resolve(handler(own)).catch((e: unknown) => this.#handlerFailed(channel, e));
      } catch (e) {
        this.#handlerFailed(channel, e);
      }
    }
  }

  onReconnect(handler: () => void): void {
    this.#reconnectHandlers.push(handler);
  }

  reconnected(): void {
    for (const handler of this.#reconnectHandlers) {
      try {
        handler();
      } catch (e) {
        this.#logger.error({ error: errorText(e) }, 'broadcast reconnect handler failed');
      }
    }
  }

  #handlerFailed(channel: string, e: unknown): void {
    this.#logger.error({ channel, error: errorText(e) }, 'broadcast handler failed');
  }
}
