import type { Logger } from '@tokenwarden/config';
import { MemoryBroadcast, type MemoryBroadcastHub } from './memory-broadcast.js';
import { NatsBroadcast } from './nats-broadcast.js';
import { RedisBroadcast } from './redis-broadcast.js';
import type { Broadcast } from './types.js';

/** Which broadcast transport to use, and where. */
export interface BroadcastConfig {
  driver: 'memory' | 'nats' | 'redis';
  /** Server URL for `nats` (`nats://...`) or `redis` (`redis://...`). */
  url?: string;
  /** Subject/channel prefix; defaults per transport. */
  prefix?: string;
}

/**
 * Creates a broadcast for the given transport.
 *
 * @example
 * ```ts
 * const bc = await createBroadcast({ driver: cfg.bus.driver === 'nats' ? 'nats' : 'memory', url: cfg.bus.url });
 * ```
 */
export async function createBroadcast(
  config: BroadcastConfig,
  options: { logger?: Logger; hub?: MemoryBroadcastHub } = {},
): Promise<Broadcast> {
  const shared = {
    ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  switch (config.driver) {
    case 'nats':
      return NatsBroadcast.connect({ ...shared, ...(config.url === undefined ? {} : { url: config.url }) });
    case 'redis':
      return RedisBroadcast.connect({ ...shared, ...(config.url === undefined ? {} : { url: config.url }) });
    default:
      return new MemoryBroadcast({ ...(options.logger ? { logger: options.logger } : {}), ...(options.hub ? { hub: options.hub } : {}) });
  }
}
