import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { createLogger, type Logger } from '@tokenwarden/config';
import { UnavailableError } from '@tokenwarden/core';
import { closedError } from '../errors.js';
import { connectNats, natsAddress } from '../nats-connect.js';
import { assertChannel, encodePayload } from './channel.js';
import { HandlerSet } from './handler-set.js';
import type { Broadcast, BroadcastHandler } from './types.js';

/** Options of {@link NatsBroadcast.connect}. */
export interface NatsBroadcastOptions {
  /** `nats://host:port`; ignored when `connection` is given. */
  url?: string;
  /** Use this connection instead of opening one (it is not closed by `close()`). */
  connection?: NatsConnection;
  /** Subject prefix, so deployments sharing a server stay apart. Default `tokenwarden.broadcast`. */
  prefix?: string;
  logger?: Logger;
}

/**
 * Broadcast over NATS core pub/sub (no JetStream: nothing is stored, latency is a network hop).
 * Channel `c` is the subject `${prefix}.c`. `onReconnect` handlers run after each reconnect,
 * since anything published while disconnected was missed.
 *
 * @example
 * ```ts
 * const bc = await NatsBroadcast.connect({ url: 'nats://127.0.0.1:4222' });
 * await bc.subscribe('revocations', (p) => cache.revoke(String(p.jti)));
 * ```
 */
export class NatsBroadcast implements Broadcast {
  readonly #nc: NatsConnection;
  readonly #ownsConnection: boolean;
  readonly #prefix: string;
  readonly #handlers: HandlerSet;
  readonly #subs = new Map<string, Subscription>();
  readonly #address: string;
  #closed = false;

  private constructor(nc: NatsConnection, owns: boolean, options: NatsBroadcastOptions) {
    this.#nc = nc;
    this.#ownsConnection = owns;
    this.#prefix = options.prefix ?? 'tokenwarden.broadcast';
    assertChannel(this.#prefix);
    this.#handlers = new HandlerSet(options.logger ?? createLogger({ level: 'silent' }));
    this.#address = nc.getServer();
    void this.#watchStatus();
  }

  /** Connects (or adopts `connection`); an unreachable server gives `TW_UNAVAILABLE` naming host:port. */
  static async connect(options: NatsBroadcastOptions): Promise<NatsBroadcast> {
    if (options.connection) return new NatsBroadcast(options.connection, false, options);
    const url = options.url ?? 'nats://127.0.0.1:4222';
    const nc = await connectNats({ url, name: 'tokenwarden-broadcast' });
    return new NatsBroadcast(nc, true, options);
  }

  async publish(channel: string, payload: object): Promise<void> {
    if (this.#closed) throw closedError('broadcast');
    assertChannel(channel);
    const text = encodePayload(payload);
    try {
      this.#nc.publish(`${this.#prefix}.${channel}`, text);
      // Resolve once the server has it, so "published" means on its way to every instance.
      await this.#nc.flush();
    } catch (cause) {
      throw new UnavailableError('NATS', natsAddress(this.#address), 'check that nats-server is running', { cause });
    }
  }

  async subscribe(channel: string, handler: BroadcastHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw closedError('broadcast');
    assertChannel(channel);
    if (this.#handlers.add(channel, handler)) {
      const sub = this.#nc.subscribe(`${this.#prefix}.${channel}`, {
        callback: (err, msg) => {
          if (err === null) this.#handlers.dispatch(channel, msg.string());
        },
      });
      this.#subs.set(channel, sub);
      // The subscription is live on the server only after a round trip.
      await this.#nc.flush();
    }
    return async () => {
      if (this.#handlers.remove(channel, handler)) {
        this.#subs.get(channel)?.unsubscribe();
        this.#subs.delete(channel);
      }
    };
  }

  onReconnect(handler: () => void): void {
    this.#handlers.onReconnect(handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const sub of this.#subs.values()) sub.unsubscribe();
    this.#subs.clear();
    this.#handlers.clear();
    if (this.#ownsConnection) await this.#nc.drain().catch(() => this.#nc.close());
  }

  async #watchStatus(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (this.#closed) return;
      if (s.type === 'reconnect') {
        // Subscriptions are re-sent on reconnect; a round trip makes sure they are live before the resync.
        await this.#nc.flush().catch(() => {});
        if (!this.#closed) this.#handlers.reconnected();
      }
    }
  }
}
