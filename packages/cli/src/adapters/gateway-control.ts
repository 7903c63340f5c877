import { createBroadcast } from '@tokenwarden/bus';
import type { ControlOrder } from '@tokenwarden/core';
import { CONTROL_CHANNEL } from '@tokenwarden/gateway';
import type { GatewayControl } from '@tokenwarden/response';
import { createRepositories, type Database } from '@tokenwarden/store';
import type { CommonOptions } from '../command-kit.js';
import { baseConfigFrom } from '../config-from.js';

/**
 * How a one-shot command reaches every gateway: control orders are appended to the shared
 * store's control log (which gateways sharing the `--data` store poll, like revocations) and, in
 * production, also broadcast on NATS for an immediate effect.
 *
 * @example
 * ```ts
 * const control = await gatewayControlFor(opts, database);
 * await control.send(order); await control.close();
 * ```
 */
export async function gatewayControlFor(opts: CommonOptions, database: Database): Promise<GatewayControl & { close(): Promise<void> }> {
  const cfg = baseConfigFrom(opts);
  const log = createRepositories(database).controlOrders;
  const broadcast = cfg.bus.driver === 'nats' ? await createBroadcast({ driver: 'nats', url: cfg.bus.url }) : undefined;
  return {
    async send(order: ControlOrder) {
      await log.append(order);
      await broadcast?.publish(CONTROL_CHANNEL, order as unknown as Record<string, unknown>);
    },
    async close() {
      await broadcast?.close();
    },
  };
}
