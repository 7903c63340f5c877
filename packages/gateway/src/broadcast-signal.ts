import type { ControlOrder } from '@tokenwarden/core';
import type { RevocationSignal } from './revocation-sync.js';

/** The slice of `@tokenwarden/bus`'s `Broadcast` the gateway uses. */
export interface BroadcastLike {
  publish(channel: string, payload: object): Promise<void>;
  subscribe(channel: string, handler: (payload: Record<string, unknown>) => void | Promise<void>): Promise<() => Promise<void>>;
  onReconnect(handler: () => void): void;
}

/** Broadcast channel that announces "the revocation log grew" to every gateway. */
export const REVOCATION_CHANNEL = 'revocations';
/** Broadcast channel that carries block/unblock {@link ControlOrder}s to every gateway. */
export const CONTROL_CHANNEL = 'control';

/**
 * Turns a Broadcast (NATS, Redis or in-memory) into a {@link RevocationSignal}: any message on the
 * `revocations` channel wakes the revocation poll, and a reconnect triggers a full resync.
 * Whoever revokes publishes `{ seq }` there (see {@link announceRevocation}).
 *
 * @example
 * ```ts
 * const signal = await broadcastRevocationSignal(await createBroadcast({ driver: 'nats', url }));
 * ```
 */
export async function broadcastRevocationSignal(broadcast: BroadcastLike): Promise<RevocationSignal & { close(): Promise<void> }> {
  const listeners = new Set<() => void>();
  const stop = await broadcast.subscribe(REVOCATION_CHANNEL, () => {
    for (const l of listeners) l();
  });
  return {
    subscribe(onSignal) {
      listeners.add(onSignal);
      return () => listeners.delete(onSignal);
    },
    onReconnect(onReconnect) {
      broadcast.onReconnect(onReconnect);
    },
    close: stop,
  };
}

/**
 * Tells every gateway that a revocation happened (call after committing it).
 *
 * @example
 * ```ts
 * await admin.revoke(id); await announceRevocation(broadcast);
 * ```
 */
export function announceRevocation(broadcast: BroadcastLike, seq?: number): Promise<void> {
  return broadcast.publish(REVOCATION_CHANNEL, seq === undefined ? {} : { seq });
}

/**
 * Delivers control orders from the `control` broadcast channel; malformed payloads are ignored.
 *
 * @example
 * ```ts
 * await subscribeControlOrders(broadcast, (order) => guard.applyControlOrder(order));
 * ```
 */
export function subscribeControlOrders(broadcast: BroadcastLike, onOrder: (order: ControlOrder) => void): Promise<() => Promise<void>> {
  return broadcast.subscribe(CONTROL_CHANNEL, (payload) => {
    if (isControlOrder(payload)) onOrder(payload);
  });
}

function isControlOrder(p: Record<string, unknown>): p is ControlOrder & Record<string, unknown> {
  const t = p.target as Record<string, unknown> | undefined;
  if ((p.action !== 'block' && p.action !== 'unblock') || typeof p.id !== 'string' || !t || typeof t !== 'object') return false;
  if (t.kind === 'credential') return typeof t.id === 'string';
  if (t.kind === 'ip') return typeof t.value === 'string';
  if (t.kind === 'asn') return typeof t.value === 'number';
  return false;
}
