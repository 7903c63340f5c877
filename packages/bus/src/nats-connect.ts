import { connect, type NatsConnection } from '@nats-io/transport-node';
import { UnavailableError } from '@tokenwarden/core';

/** Options of {@link connectNats}. */
export interface ConnectNatsOptions {
  /** `nats://host:port` (several separated by commas). Credentials in the URL are never echoed. */
  url: string;
  /** Connection name shown by the server's monitoring. */
  name?: string;
  /** How long the first connection attempt may take. Default 3000 ms. */
  timeoutMs?: number;
}

/**
 * `host:port` list of a NATS URL, without any user or password, for error messages.
 *
 * @example
 * ```ts
 * natsAddress('nats://app:s3cret@10.0.0.5:4222'); // "10.0.0.5:4222"
 * ```
 */
export function natsAddress(url: string): string {
  return url
    .split(',')
    .map((part) => {
      const s = part.trim();
      try {
        const u = new URL(s.includes('://') ? s : `nats://${s}`);
        return `${u.hostname}:${u.port || '4222'}`;
      } catch {
        return '(unparseable address)';
      }
    })
    .join(',');
}

/**
 * Connects to NATS, failing fast with an {@link UnavailableError} that names the address and
 * what to do, instead of hanging or surfacing a driver stack trace. After the first connection
 * the client reconnects forever, so a restarting server does not take the process down.
 *
 * @example
 * ```ts
 * const nc = await connectNats({ url: 'nats://127.0.0.1:4222', name: 'gateway' });
 * ```
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const address = natsAddress(options.url);
  try {
    return await connect({
      servers: options.url.split(',').map((s) => s.trim()),
      name: options.name ?? 'tokenwarden',
      timeout: options.timeoutMs ?? 3000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: false,
    });
  } catch (cause) {
    throw new UnavailableError(
      'NATS',
      address,
      `start nats-server (nats-server -a 127.0.0.1 -p 4222 -js) or fix bus.url (now ${address})`,
      {
        cause,
        data: { reason: (cause as Error).message },
      },
    );
  }
}
