import { randomBytes } from 'node:crypto';
import { createLogger, type Logger } from '@tokenwarden/config';
import { UnavailableError } from '@tokenwarden/core';
import { Redis } from 'ioredis';
import { closedError } from '../errors.js';
import { assertChannel, encodePayload } from './channel.js';
import { HandlerSet } from './handler-set.js';
import type { Broadcast, BroadcastHandler } from './types.js';

/** Options of {@link RedisBroadcast.connect}. */
export interface RedisBroadcastOptions {
  /** `redis://host:port[/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Channel prefix, so deployments sharing a server stay apart. Default `tokenwarden:broadcast:`. */
  prefix?: string;
  logger?: Logger;
  /** How long the first connection may take. Default 3000 ms. */
  connectTimeoutMs?: number;
}

function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(unparseable address)';
  }
}

/**
 * Opens an ioredis client that fails fast on the first connection (so a down server is reported
 * within seconds) and reconnects forever afterwards.
 */
async function openClient(url: string, name: string, timeoutMs: number): Promise<Redis> {
  let connectedOnce = false;
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => (connectedOnce ? Math.min(attempt * 100, 2000) : null),
  });
  // Errors are reported through connect() and command results; an unhandled 'error' would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    client.disconnect();
    const address = redisAddress(url);
    throw new UnavailableError(
      'Redis',
      address,
      `start redis-server (redis-server --port 6379) or fix the broadcast URL (now ${address})`,
      { cause },
    );
  }
  connectedOnce = true;
  return client;
}

/**
 * Broadcast over Redis pub/sub: one connection publishes, one listens (a subscribed Redis
 * connection can do nothing else). ioredis resubscribes after a reconnect; `onReconnect`
 * handlers then run so the caller can resync what it missed.
 *
 * @example
 * ```ts
 * const bc = await RedisBroadcast.connect({ url: 'redis://127.0.0.1:6379' });
 * await bc.subscribe('blocks', (order) => apply(order));
 * ```
 */
export class RedisBroadcast implements Broadcast {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #handlers: HandlerSet;
  readonly #address: string;
  /** Name of the listening connection on the server (`CLIENT LIST`), unique per instance. */
  readonly listenerName: string;
  #closed = false;

  private constructor(pub: Redis, sub: Redis, url: string, listenerName: string, options: RedisBroadcastOptions) {
    this.#pub = pub;
    this.#sub = sub;
    this.listenerName = listenerName;
    this.#prefix = options.prefix ?? 'tokenwarden:broadcast:';
    this.#address = redisAddress(url);
    this.#handlers = new HandlerSet(options.logger ?? createLogger({ level: 'silent' }));
    sub.on('message', (redisChannel: string, text: string) => {
      if (redisChannel.startsWith(this.#prefix)) this.#handlers.dispatch(redisChannel.slice(this.#prefix.length), text);
    });
    // 'ready' fires on every (re)connection; after the first one it means we may have missed messages.
    sub.on('ready', () => {
      void this.#afterReconnect();
    });
  }

  /** Connects both clients; an unreachable server gives `TW_UNAVAILABLE` naming host:port. */
  static async connect(options: RedisBroadcastOptions = {}): Promise<RedisBroadcast> {
    const url = options.url ?? 'redis://127.0.0.1:6379';
    const timeout = options.connectTimeoutMs ?? 3000;
    const instance = randomBytes(6).toString('hex');
    const pub = await openClient(url, `tokenwarden-broadcast-pub-${instance}`, timeout);
    let sub: Redis;
    try {
      sub = await openClient(url, `tokenwarden-broadcast-sub-${instance}`, timeout);
    } catch (e) {
      pub.disconnect();
      throw e;
    }
    return new RedisBroadcast(pub, sub, url, `tokenwarden-broadcast-sub-${instance}`, options);
  }

  async publish(channel: string, payload: object): Promise<void> {
    if (this.#closed) throw closedError('broadcast');
    assertChannel(channel);
    const text = encodePayload(payload);
    try {
      await this.#pub.publish(this.#prefix + channel, text);
    } catch (cause) {
      throw new UnavailableError('Redis', this.#address, 'check that redis-server is running', { cause });
    }
  }

  async subscribe(channel: string, handler: BroadcastHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw closedError('broadcast');
    assertChannel(channel);
    if (this.#handlers.add(channel, handler)) {
      try {
        await this.#sub.subscribe(this.#prefix + channel);
      } catch (cause) {
        this.#handlers.remove(channel, handler);
        throw new UnavailableError('Redis', this.#address, 'check that redis-server is running', { cause });
      }
    }
    return async () => {
      if (this.#handlers.remove(channel, handler) && !this.#closed) await this.#sub.unsubscribe(this.#prefix + channel).catch(() => {});
    };
  }

  onReconnect(handler: () => void): void {
    this.#handlers.onReconnect(handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    await Promise.all([this.#sub.quit().catch(() => this.#sub.disconnect()), this.#pub.quit().catch(() => this.#pub.disconnect())]);
  }

  async #afterReconnect(): Promise<void> {
    if (this.#closed) return;
    // Make sure every channel is subscribed again before telling the caller to resync, so nothing
    // published after the resync read can slip between the two.
    const channels = this.#handlers.channels().map((c) => this.#prefix + c);
    if (channels.length > 0) await this.#sub.subscribe(...channels).catch(() => {});
    if (!this.#closed) this.#handlers.reconnected();
  }
}
