import type { Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { createBus, type EventBus } from '@tokenwarden/bus';
import { ResponseConfig } from '@tokenwarden/config';
import type { AccessEvent, Alert, ControlOrder, LifecycleEvent } from '@tokenwarden/core';
import {
  createDetectionEngine,
  createEnricher,
  createIpIntel,
  type DetectionWorker,
  type IpIntel,
  runDetectionWorker,
} from '@tokenwarden/detection';
import { parseGatewayConfig, type RunningGateway, startGateway } from '@tokenwarden/gateway';
import {
  ActionLog,
  type FalsePositiveFeedback,
  type GatewayControl,
  guardPolicyFrom,
  IncidentManager,
  Responder,
  ResponderGuard,
  SettingsStore,
} from '@tokenwarden/response';
import { createRepositories, type Database, openDatabase, type Repositories } from '@tokenwarden/store';
import { openTokenService, type TokenService } from '@tokenwarden/token-service';
import { tokenAdminAdapter } from '../adapters/token-admin.js';
import { allMigrations } from '../migrations.js';
import { learnFalsePositive } from '../worker/false-positive-learning.js';
import { startDemoApi } from './demo-api.js';

/** The demo's response settings: the defaults of the `response` config section (20 automatic actions a minute), with the break-glass account allowlisted. */
const DEMO_RESPONSE = ResponseConfig.parse({ auto: { allowlist: { principals: ['break-glass'] } } });

/** Where the demo listens and keeps its data. */
export interface DemoWorldOptions {
  dataDir: string;
  /** Token service `host:port` (port 0 = any free port). */
  tokenListen: string;
  /** Gateway `host:port`. */
  gatewayListen: string;
  audience: string;
}

/** Everything the demo runs, in one process, on the embedded default (SQLite + in-process bus). */
export interface DemoWorld {
  database: Database;
  repos: Repositories;
  bus: EventBus;
  service: TokenService;
  settings: SettingsStore;
  api: Server;
  gateway: RunningGateway;
  detection: DetectionWorker;
  incidents: IncidentManager;
  responder: Responder;
  /** Block orders to the demo gateway (and the bus). */
  control: GatewayControl;
  /** What a false-positive verdict does here: the in-process engine learns at once. */
  feedback: FalsePositiveFeedback;
  intel: IpIntel;
  issuer: string;
  gatewayUrl: string;
  close(): Promise<void>;
}

/** `host:port` with a concrete port: the one asked for when free, otherwise (or for 0) any free one. */
async function settleListen(hostPort: string): Promise<string> {
  const i = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, i);
  const want = Number(hostPort.slice(i + 1));
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const probe = createNetServer();
      probe.once('error', () => resolve(undefined));
      probe.listen(port, host, () => {
        const bound = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(bound));
      });
    });
  const port = (want > 0 ? await tryPort(want) : undefined) ?? (await tryPort(0));
  if (port === undefined) throw new Error(`cannot listen on ${host}`);
  return `${host}:${port}`;
}

function urlOf(server: Server): string {
  const a = server.address() as AddressInfo;
  return `http://${a.address}:${a.port}`;
}

/**
 * Starts the token service, the demo API behind the gateway, detection and response, wired the
 * way the embedded default wires them: one SQLite store, one in-process bus. Access and lifecycle
 * events are stored (for forensics) and published (for detection); block orders from response
 * reach the gateway at once.
 *
 * @example
 * ```ts
 * const world = await startDemoWorld({ dataDir, tokenListen: '127.0.0.1:8080', gatewayListen: '127.0.0.1:8081', audience });
 * ```
 */
export async function startDemoWorld(o: DemoWorldOptions): Promise<DemoWorld> {
  const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: o.dataDir, migrations: allMigrations });
  const repos = createRepositories(database);
  const bus = await createBus({ driver: 'memory', url: 'nats://127.0.0.1:4222', stream_prefix: 'TOKENWARDEN' });
  const publishLifecycle = async (e: LifecycleEvent) => {
    await repos.lifecycleEvents.insertMany([e]);
    await bus.publish('lifecycle', e);
  };
  const publishAccess = async (batch: readonly AccessEvent[]) => {
    await repos.accessEvents.insertMany(batch);
    for (const e of batch) await bus.publish('access', e);
  };

  // The issuer must be the address clients reach, so the port is settled before the service starts.
  const tokenListen = await settleListen(o.tokenListen);
  const issuer = `http://${tokenListen}`;
  const service = await openTokenService({
    dataDir: o.dataDir,
    database,
    issuer,
    audience: o.audience,
    publish: publishLifecycle,
    audit: async (entry) => {
      await repos.audit.append(entry);
    },
  });
  await service.listen(tokenListen);

  const settings = new SettingsStore(database, repos.audit);
  await settings.set('alerts.enabled', true, { actor: 'demo-setup', reason: 'initial configuration' });
  const api = await startDemoApi({ admin: service.admin, settings });

  const intel = createIpIntel();
  const gateway = await startGateway({
    listen: await settleListen(o.gatewayListen),
    source: service.view,
    config: parseGatewayConfig({
      audience: o.audience,
      routes: [
        { path: '/api/admin/**', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], scopes: ['admin'] },
        { path: '/api/**', scopes: ['read'] },
      ],
      // The demo's traffic player stands in for the TLS-terminating load balancer.
      trusted_proxies: ['127.0.0.1/32'],
    }),
    upstream: urlOf(api),
    dataDir: o.dataDir,
    database,
    publishAccess,
    publishLifecycle,
  });

  const engine = createDetectionEngine();
  const enrich = createEnricher({ ipIntel: intel });
  const detection = await runDetectionWorker({ bus, repos, engine, enrich });

  const tokens = tokenAdminAdapter(service.admin, repos.accessEvents);
  // A false positive teaches the engine: the events behind the incident's alerts join the baseline.
  const feedback: FalsePositiveFeedback = async (incident, alerts) => {
    await learnFalsePositive(engine, enrich, repos.accessEvents, {
      credentials: [incident.credential_id, ...alerts.map((a) => a.credential)],
      event_ids: alerts.flatMap((a) => a.event_ids ?? []),
    });
  };
  const incidents = new IncidentManager(repos, tokens, feedback);
  const control: GatewayControl = {
    async send(order: ControlOrder) {
      gateway.guard.applyControlOrder(order);
      await bus.publish('control', order);
    },
  };
  const responder = new Responder({
    tokens,
    gateway: control,
    stores: repos,
    actions: new ActionLog(database),
    settings,
    guard: new ResponderGuard(guardPolicyFrom(DEMO_RESPONSE.auto)),
  });

  return {
    database,
    repos,
    bus,
    service,
    settings,
    api,
    gateway,
    detection,
    incidents,
    responder,
    control,
    feedback,
    intel,
    issuer,
    gatewayUrl: gateway.url,
    async close() {
      await detection.stop().catch(() => {});
      await gateway.close().catch(() => {});
      await new Promise<void>((r) => api.close(() => r()));
      await service.close().catch(() => {});
      await bus.close().catch(() => {});
      await database.close().catch(() => {});
    },
  };
}

/** Subscribes to alerts on the bus. */
export async function onAlerts(world: DemoWorld, handler: (alert: Alert) => Promise<void>): Promise<void> {
  await world.bus.subscribe('alert', 'response', handler);
}
