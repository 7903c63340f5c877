/** A received broadcast payload: always a JSON object (anything else is dropped and logged). */
export type BroadcastPayload = Record<string, unknown>;

/** Handles one broadcast message. Errors are logged and never stop delivery of later messages. */
export type BroadcastHandler = (payload: BroadcastPayload) => void | Promise<void>;

/**
 * Non-durable fan-out to every running instance, for things that must reach all gateways within
 * milliseconds (revocations, block orders). Messages sent while an instance is disconnected are
 * lost by design: `onReconnect` tells the instance to resync its full state from the store.
 *
 * @example
 * ```ts
 * const bc = await createBroadcast({ driver: 'nats', url: 'nats://127.0.0.1:4222' });
 * await bc.subscribe('revocations', (p) => revoked.add(String(p.jti)));
 * bc.onReconnect(() => void reloadRevocations());
 * await bc.publish('revocations', { jti: 'tok_01J...' });
 * ```
 */
export interface Broadcast {
  /** Sends `payload` (a JSON-serialisable object) to every subscriber of `channel`, including this process. */
  publish(channel: string, payload: object): Promise<void>;
  /** Starts receiving `channel`; resolves once the subscription is live, to a function that ends it. */
  subscribe(channel: string, handler: BroadcastHandler): Promise<() => Promise<void>>;
  /** Registers a callback run after the connection came back, when messages may have been missed. */
  onReconnect(handler: () => void): void;
  /** Ends every subscription and releases connections. */
  close(): Promise<void>;
}
