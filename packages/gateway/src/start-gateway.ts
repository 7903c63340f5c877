import { readFileSync } from 'node:fs';
import { readOrCreateSecret } from '@tokenwarden/config';
import { ConfigError, type LifecycleEvent, TokenWardenError } from '@tokenwarden/core';
import type { Database } from '@tokenwarden/store';
import { createRepositories } from '@tokenwarden/store';
import type { AccessEventPublisher } from './access-sink.js';
import { AppendLogJtiReplayStore, replayDirFor } from './append-log-jti-replay-store.js';
import { type BroadcastLike, broadcastRevocationSignal, subscribeControlOrders } from './broadcast-signal.js';
import { pollControlOrders } from './control-order-poll.js';
import type { CredentialSource } from './credential-source.js';
import type { GatewayConfig } from './gateway-config.js';
import { GatewayGuard } from './gateway-guard.js';
import type { JtiReplayStore } from './jti-replay-store.js';
import type { IpInfoLookup } from './location-policy.js';
import { type ReverseProxy, startReverseProxy } from './reverse-proxy.js';
import { StoreJtiReplayStore } from './store-jti-replay-store.js';

/** Everything {@link startGateway} wires together. */
export interface StartGatewayOptions {
  /** The token service's resource-server view (or any {@link CredentialSource}). */
  source: CredentialSource;
  config: GatewayConfig;
  upstream: string;
  /** `host:port`; port 0 picks a free one. */
  listen: string;
  /** The data directory (DPoP nonce secret lives here). */
  dataDir: string;
  /** The shared store: DPoP replay claims, and its SQLite WAL wakes the revocation poll. */
  database?: Database;
  publishAccess?: AccessEventPublisher;
  publishLifecycle?: (event: LifecycleEvent) => void | Promise<void>;
  /** Production fan-out (NATS / Redis): revocation wake-ups, resync on reconnect, control orders. */
  broadcast?: BroadcastLike;
  ipInfo?: IpInfoLookup;
  onRevocationError?: (error: unknown) => void;
  /** Verify DPoP signatures on a second thread when several wait at once (default: the config's `dpop.signature_thread`). */
  signatureThread?: boolean;
}

/** A running gateway. */
export interface RunningGateway {
  readonly guard: GatewayGuard;
  readonly proxy: ReverseProxy;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the standalone gateway: a guard over the credential source (revocation set loaded and
 * kept fresh by polling, the shared SQLite WAL and the broadcast), a store-backed DPoP replay
 * store when a database is given, and the reverse proxy in front of `upstream`.
 *
 * @example
 * ```ts
 * const gw = await startGateway({ source: tokenService.view, config: parseGatewayConfig({}), upstream: 'http://127.0.0.1:3000', listen: '127.0.0.1:8081', dataDir });
 * await gw.close();
 * ```
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { host, port } = splitListen(options.listen);
  const cleanups: (() => Promise<void>)[] = [];
  const signal = options.broadcast ? await broadcastRevocationSignal(options.broadcast) : undefined;
  if (signal) cleanups.push(signal.close);
  const watchFiles = options.database?.dialect === 'sqlite' ? [`${options.database.location}-wal`, options.database.location] : [];
  const replay = options.database ? sharedReplayStore(options.database) : undefined;
  if (replay) cleanups.push(async () => replay.close());
  const guard = new GatewayGuard({
    source: options.source,
    config: options.config,
    nonceSecret: readOrCreateSecret(options.dataDir, 'gateway-dpop-nonce'),
    ...(replay ? { replayStore: replay.store } : {}),
    ...(options.publishAccess ? { publishAccess: options.publishAccess } : {}),
    // Into a shared SQLite file: a few larger transactions a second rather than one per request.
    accessBatchMs: options.database?.dialect === 'sqlite' ? 250 : 0,
    ...(options.publishLifecycle ? { publishLifecycle: options.publishLifecycle } : {}),
    ...(signal ? { revocationSignal: signal } : {}),
    ...(options.ipInfo ? { ipInfo: options.ipInfo } : {}),
    ...(options.onRevocationError ? { onRevocationError: options.onRevocationError } : {}),
    ...(options.signatureThread === undefined ? {} : { signatureThread: options.signatureThread }),
    watchFiles,
  });
  await guard.start();
  if (options.database) {
    const log = createRepositories(options.database).controlOrders;
    cleanups.push(
      await pollControlOrders(log, (order) => guard.applyControlOrder(order), {
        ...(options.onRevocationError ? { onError: options.onRevocationError } : {}),
      }),
    );
  }
  if (options.broadcast) {
    const stop = await subscribeControlOrders(options.broadcast, (order) => guard.applyControlOrder(order));
    cleanups.push(stop);
  }
  let proxy: ReverseProxy;
  try {
    const tls = options.config.tls ? readTlsFiles(options.config.tls) : undefined;
    proxy = await startReverseProxy({
      ...(tls ? { tls } : {}),
      guard,
      upstream: options.upstream,
      host,
      port,
      forwardCredentials: options.config.forward_credentials,
      trustedProxies: options.config.trusted_proxies,
    });
  } catch (e) {
    await guard.close();
    for (const c of cleanups) await c().catch(() => {});
    throw e;
  }
  return {
    guard,
    proxy,
    url: proxy.url,
    async close() {
      await proxy.close();
      for (const c of cleanups) await c().catch(() => {});
    },
  };
}

/**
 * The DPoP replay store every gateway on `database` shares: on SQLite, append-only claim logs in a
 * directory of their own next to the store's file; on PostgreSQL, the store's table.
 *
 * @example
 * ```ts
 * const replay = sharedReplayStore(database);
 * const guard = new GatewayGuard({ source, config, replayStore: replay.store });
 * replay.close();
 * ```
 */
export function sharedReplayStore(database: Database): { store: JtiReplayStore; close(): void } {
  if (database.dialect === 'sqlite') {
    const store = AppendLogJtiReplayStore.open(replayDirFor(database.location));
    return { store, close: () => store.close() };
  }
  return { store: new StoreJtiReplayStore(database), close: () => {} };
}

// The PEM files named by the config's `tls` (a missing file stops start-up naming it).
function readTlsFiles(files: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (key: 'cert' | 'key'): Buffer => {
    try {
      return readFileSync(files[key]);
    } catch (e) {
      throw new ConfigError(`tls.${key}`, files[key], 'a readable PEM file', {
        hint: `cannot read ${files[key]} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
        cause: e,
      });
    }
  };
  return { cert: read('cert'), key: read('key') };
}

function splitListen(listen: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(listen);
  const port = Number(m?.[2]);
  if (!m || port > 65535) {
    throw new TokenWardenError('TW_USAGE', `invalid --listen ${JSON.stringify(listen)}`, { hint: 'use host:port, e.g. 127.0.0.1:8081' });
  }
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
}
