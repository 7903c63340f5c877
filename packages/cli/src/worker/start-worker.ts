import { createBus, type EventBus } from '@tokenwarden/bus';
import type { BusConfig } from '@tokenwarden/config';
import type { Alert, CredentialKind, Incident } from '@tokenwarden/core';
import {
  createDetectionEngine,
  createEnricher,
  createIpIntel,
  type DetectionConfig,
  type DetectionEngine,
  type DetectionWorker,
  EngineStateStore,
  type IpIntel,
  runDetectionWorker,
} from '@tokenwarden/detection';
import {
  ActionLog,
  type ActionOutcome,
  AutoResponder,
  type AutoResponsePolicy,
  DEFAULT_AUTO_POLICY,
  DEFAULT_GUARD_POLICY,
  FeedbackLog,
  type GatewayControl,
  type GuardPolicy,
  IncidentManager,
  Responder,
  ResponderGuard,
  SettingsStore,
  type SignalDispatcher,
} from '@tokenwarden/response';
import { createRepositories, type Database } from '@tokenwarden/store';
import type { AdminApi } from '@tokenwarden/token-service';
import { tokenAdminAdapter } from '../adapters/token-admin.js';
import { learnFalsePositive } from './false-positive-learning.js';
import { FeedbackFollower } from './feedback-follower.js';
import { StoreTail } from './store-tail.js';

/** What the worker responds with; absent: detection and incident grouping only (`--no-respond`). */
export interface WorkerResponse {
  /** The token service admin API (revoke, sign out, suspend, lineage). */
  admin: AdminApi;
  /** Where block orders go (the store's control log, plus NATS in production). */
  gateway: GatewayControl;
  /** Record and plan, do not act. Default: the policy's own `dry_run`. */
  dryRun?: boolean;
  /** Default {@link DEFAULT_AUTO_POLICY}. */
  policy?: AutoResponsePolicy;
  /** Rate limit and allowlist of automatic actions (`response.auto`); default {@link DEFAULT_GUARD_POLICY}. */
  guard?: GuardPolicy;
  /** Delays of the post-containment sweeps (default the AutoResponder's, 2 s and 15 s). */
  sweepDelaysMs?: readonly number[];
}

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** The shared store, opened with every migration (including `detectionMigrations` and response's `feedbackMigrations`). */
  database: Database;
  /** `memory`: tail the store (embedded default); `nats`: durable JetStream consumers. */
  bus: BusConfig;
  response?: WorkerResponse;
  /**
   * Where alerts, incident changes, actions (webhooks) and CAEP/RISC events (Shared Signals) go.
   * Calls only enqueue, so a slow receiver never holds up detection; the caller closes it.
   */
  signals?: SignalDispatcher;
  /** Save the engine snapshot this often (default 60 000 ms; 0 disables the timer, shutdown still saves). */
  snapshotEveryMs?: number;
  /** Consumer name on the bus and prefix of the saved state names (default `detection`). */
  consumer?: string;
  /** How often to look for false-positive verdicts recorded by other processes (default 1000 ms). */
  feedbackPollMs?: number;
  /** Store tail tuning (embedded default only). */
  tail?: { pollMs?: number; latenessMs?: number };
  /** IP intelligence (default the shipped DB-IP Lite city + ASN data). */
  intel?: IpIntel;
  /** Detector thresholds (the config file's `detection` section, checked); default the engine's defaults. */
  detection?: DetectionConfig;
  onAlert?: (alert: Alert) => void;
  onAction?: (incident: Incident, outcome: ActionOutcome) => void;
  onContained?: (incident: Incident) => void;
  /** Diagnostics (one line each): restores, snapshots, failures. */
  log?: (message: string) => void;
}

/** A running worker. */
export interface RunningWorker {
  readonly engine: DetectionEngine;
  /** The version of the engine state restored at start (undefined: started empty). */
  readonly restoredVersion: number | undefined;
  stats(): { events: number; skipped: number; alerts: number; responded: number; snapshots: number; feedback: number };
  /** Applies false-positive verdicts recorded since the last look now (the worker also polls); resolves to how many were new. */
  pollFeedback(): Promise<number>;
  /** Saves the engine snapshot now; resolves to its version. */
  snapshot(): Promise<number>;
  /** Waits until every event read so far and every alert raised so far has been handled. */
  idle(timeoutMs?: number): Promise<void>;
  /** Stops consuming, finishes what is in flight, saves the snapshot, closes the bus. The database stays open (the caller owns it). */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The long-running detection + response process behind `tokenwarden worker`: restores the engine
 * from its saved snapshot, consumes access and lifecycle events (JetStream, or a tail of the
 * shared store on the embedded default), stores and publishes alerts through
 * `runDetectionWorker`, feeds each alert to an {@link AutoResponder} (incident + policy-driven
 * containment), and saves the snapshot periodically and at stop.
 *
 * @example
 * ```ts
 * const worker = await startWorker({ database, bus: { driver: 'memory', url: '', stream_prefix: 'TOKENWARDEN' },
 *   response: { admin: service.admin, gateway }, onAlert: (a) => console.log(a.rule) });
 * // ... on SIGTERM:
 * await worker.stop();
 * ```
 */
export async function startWorker(o: StartWorkerOptions): Promise<RunningWorker> {
  const log = o.log ?? (() => {});
  const consumer = o.consumer ?? 'detection';
  const engineStateName = `engine:${consumer}`;
  const repos = createRepositories(o.database);
  const states = new EngineStateStore(o.database);

  const engine = createDetectionEngine(o.detection);
  const saved = await states.load(engineStateName);
  let restoredVersion: number | undefined;
  if (saved) {
    try {
      engine.restore(saved.data);
      restoredVersion = saved.version;
      const s = engine.stats();
      log(`restored engine state v${saved.version} of ${saved.saved_at} (${s.credentials} credentials, ${s.events} events learned)`);
    } catch (e) {
      // A snapshot of another engine version cannot be read: start with empty baselines rather than not at all.
      log(`could not restore engine state v${saved.version}: ${e instanceof Error ? e.message : String(e)}; starting with empty baselines`);
    }
  }

  const embedded = o.bus.driver !== 'nats';
  const bus: EventBus = await createBus(embedded ? { ...o.bus, driver: 'memory' } : o.bus);
  const counters = { responded: 0, snapshots: 0 };
  let detection: DetectionWorker | undefined;
  let tail: StoreTail | undefined;
  let auto: AutoResponder | undefined;
  let timer: NodeJS.Timeout | undefined;
  const enrich = createEnricher({ ipIntel: o.intel ?? createIpIntel() });
  // False-positive verdicts given anywhere (the CLI, the API) teach this worker's engine.
  const feedback = new FeedbackFollower({
    log: new FeedbackLog(o.database),
    states,
    cursorName: `feedback:${consumer}`,
    apply: async (verdict) => {
      const learned = await learnFalsePositive(engine, enrich, repos.accessEvents, verdict);
      log(`false positive ${verdict.incident_id}: learned ${learned} event(s) into the baseline`);
    },
    ...(o.feedbackPollMs !== undefined ? { pollMs: o.feedbackPollMs } : {}),
    onError: (e) => log(`false-positive feedback: ${e instanceof Error ? e.message : String(e)}`),
  });
  try {
    detection = await runDetectionWorker({ bus, repos, engine, enrich, consumer });
    await feedback.start();

    // Alerts are grouped into incidents per credential whether or not the worker contains them.
    const incidents = o.response ? undefined : new IncidentManager(repos);
    if (o.response) auto = buildAutoResponder(o, o.response, repos);
    const responder = auto;
    await bus.subscribe('alert', `${consumer}-response`, async (alert) => {
      o.onAlert?.(alert);
      o.signals?.alert(alert);
      if (responder) await responder.handle(alert);
      else await incidents?.ingest(alert);
      counters.responded++;
    });

    const running = detection;
    if (embedded) {
      tail = new StoreTail({
        repos,
        bus,
        states,
        cursorName: `tail:${consumer}`,
        processed: () => {
          const s = running.stats();
          return s.events + s.skipped;
        },
        ...(o.tail?.pollMs !== undefined ? { pollMs: o.tail.pollMs } : {}),
        ...(o.tail?.latenessMs !== undefined ? { latenessMs: o.tail.latenessMs } : {}),
        onError: (e) => log(`store tail: ${e instanceof Error ? e.message : String(e)}`),
      });
      await tail.start();
    }
  } catch (e) {
    await feedback.stop().catch(() => {});
    await tail?.stop().catch(() => {});
    await detection?.stop().catch(() => {});
    await bus.close().catch(() => {});
    throw e;
  }

  const snapshot = async (): Promise<number> => {
    const record = await states.save(engineStateName, engine.snapshot());
    // After the engine it belongs with: a crash in between re-applies verdicts, never loses them.
    await feedback.save();
    counters.snapshots++;
    return record.version;
  };
  const every = o.snapshotEveryMs ?? 60_000;
  if (every > 0) {
    timer = setInterval(() => {
      snapshot().catch((e: unknown) => log(`engine snapshot failed: ${e instanceof Error ? e.message : String(e)}`));
    }, every);
    timer.unref();
  }

  const worker = detection;
  const idle = async (timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pos = tail?.position();
      const s = worker.stats();
      const eventsDone = pos === undefined || s.events + s.skipped >= pos.published;
      if (eventsDone && counters.responded >= s.alerts) return;
      if (Date.now() > deadline) throw new Error('the worker did not become idle in time');
      await sleep(10);
    }
  };

  let stopping: Promise<void> | undefined;
  return {
    engine,
    restoredVersion,
    stats: () => ({ ...worker.stats(), ...counters, feedback: feedback.appliedCount }),
    pollFeedback: () => feedback.poll(),
    snapshot,
    idle,
    stop() {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        // Order matters: stop reading, let detection and response finish what was read, then save.
        await tail?.stop();
        await feedback.stop();
        await idle(10_000).catch(() => log('stopping with events or alerts still in flight'));
        await worker.stop();
        await auto?.close();
        const version = await snapshot();
        log(`saved engine state v${version}`);
        await bus.close();
      })();
      return stopping;
    },
  };
}

function buildAutoResponder(o: StartWorkerOptions, r: WorkerResponse, repos: ReturnType<typeof createRepositories>): AutoResponder {
  const tokens = tokenAdminAdapter(r.admin, repos.accessEvents);
  const incidents = new IncidentManager(repos, tokens);
  const responder = new Responder({
    tokens,
    gateway: r.gateway,
    stores: repos,
    actions: new ActionLog(o.database),
    settings: new SettingsStore(o.database, repos.audit),
    guard: new ResponderGuard(r.guard ?? DEFAULT_GUARD_POLICY),
    ...(o.signals ? { signals: { securityEvent: (event) => (o.signals as SignalDispatcher).securityEvent(event) } } : {}),
  });
  const signals = o.signals;
  const base = r.policy ?? DEFAULT_AUTO_POLICY;
  const policy: AutoResponsePolicy = r.dryRun === undefined ? base : { ...base, dry_run: r.dryRun };
  return new AutoResponder({
    incidents,
    responder,
    policy,
    kindOf: async (credential): Promise<CredentialKind> => {
      const [first] = await repos.accessEvents.query({ credential_id: credential, limit: 1 });
      return first?.credential_kind ?? 'unknown';
    },
    ...(r.sweepDelaysMs ? { sweepDelaysMs: r.sweepDelaysMs } : {}),
    onOutcome: (incident, outcome) => {
      o.onAction?.(incident, outcome);
      signals?.action(incident, outcome);
    },
    onContained: (incident) => {
      o.onContained?.(incident);
      signals?.incident(incident, 'contained');
    },
    onError: (e) => o.log?.(`response sweep failed: ${e instanceof Error ? e.message : String(e)}`),
  });
}
