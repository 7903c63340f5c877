import { once } from 'node:events';
import { resolveResponseSignals } from '@tokenwarden/config';
import { type Alert, type Incident, TokenWardenError } from '@tokenwarden/core';
import { createIpIntel, parseDetectionConfig } from '@tokenwarden/detection';
import {
  type ActionOutcome,
  autoPolicyFrom,
  type DispatchResult,
  guardPolicyFrom,
  type SignalDispatcher,
  signalDispatcherFrom,
} from '@tokenwarden/response';
import { type Database, openDatabase } from '@tokenwarden/store';
import type { Command } from 'commander';
import { gatewayControlFor } from '../adapters/gateway-control.js';
import { type CommonOptions, parseDuration, runAction, withCommonOptions } from '../command-kit.js';
import { configFrom } from '../config-from.js';
import { EXIT } from '../exit-codes.js';
import { allMigrations } from '../migrations.js';
import { printJsonLine } from '../output.js';
import type { CommandModule } from '../program.js';
import { startResponseApi } from '../worker/response-api-server.js';
import { type RunningWorker, startWorker, type WorkerResponse } from '../worker/start-worker.js';
import { openTokenServiceForCommand } from './serve.js';

interface WorkerOptions extends CommonOptions {
  respond: boolean;
  listen?: string;
  dryRun?: boolean;
  snapshotEvery: string;
}

/** One failed delivery as a log line; webhook URLs show their origin only (Slack puts the secret in the path). */
function logDelivery(r: DispatchResult, log: (message: string) => void): void {
  if (r.ok) return;
  let target = r.target;
  if (r.channel === 'webhook') {
    try {
      target = new URL(r.target).origin;
    } catch {
      target = '(webhook)';
    }
  }
  log(`${r.channel} ${r.signal} to ${target} failed: ${r.detail}`);
}

/** One alert as a stdout line. */
function alertLine(alert: Alert, json: boolean): string {
  if (json) return JSON.stringify({ type: 'alert', ...alert });
  return `alert  [${alert.severity}] ${alert.rule} on ${alert.credential} (${alert.stage}, score ${Math.round(alert.score)}): ${alert.summary}`;
}

/** One containment action as a stdout line. */
function actionLine(incident: Incident, outcome: ActionOutcome, json: boolean): string {
  if (json) {
    return JSON.stringify({
      type: 'action',
      incident_id: incident.id,
      credential_id: incident.credential_id,
      kind: outcome.action.kind,
      target: outcome.action.target,
      status: outcome.status,
      detail: outcome.detail,
    });
  }
  return `action ${outcome.status.padEnd(7)} ${outcome.action.kind} ${outcome.action.target} (incident ${incident.id}): ${outcome.detail}`;
}

/**
 * `tokenwarden worker [--data DIR] [--config FILE] [--no-respond] [--dry-run] [--snapshot-every 60s] [--json]`:
 * the long-running detection + response process. With `bus.driver: nats` it consumes JetStream
 * (durable consumers shared by every worker); on the embedded default it tails the access and
 * lifecycle events that gateways and token services write to the shared store. Alerts are
 * stored, grouped into incidents and, unless `--no-respond`, contained by the default policy.
 * One line per alert and per action on stdout (JSON with `--json`), logs on stderr.
 * SIGINT/SIGTERM: stop consuming, save the engine snapshot, exit 0.
 *
 * @example
 * ```sh
 * tokenwarden worker --data ./.tokenwarden --snapshot-every 30s --json
 * ```
 */
export const registerWorker: CommandModule = (program: Command) => {
  withCommonOptions(
    program
      .command('worker')
      .description('run detection and automatic response on live events until stopped')
      .option('--no-respond', 'detect, store alerts and group them into incidents, but take no containment action')
      .option('--dry-run', 'plan and record containment actions without doing them')
      .option('--snapshot-every <duration>', 'how often to save the engine state (e.g. 30s, 5m)', '60s')
      .option('--listen <host:port>', 'also serve the response API (incidents, actions, reports) on this address'),
  ).action(
    runAction(async (opts: WorkerOptions) => {
      const snapshotEveryMs = parseDuration(opts.snapshotEvery);
      if (opts.listen && !opts.respond) {
        throw new TokenWardenError('TW_USAGE', '--listen serves response actions and cannot be combined with --no-respond', {
          hint: 'drop --no-respond, or run a separate worker with --listen',
        });
      }
      const cfg = configFrom(opts);
      const detection = parseDetectionConfig(cfg.detection ?? {});
      const json = Boolean(opts.json);
      const log = (message: string) => process.stderr.write(`worker: ${message}\n`);
      const signalConfig = resolveResponseSignals(cfg.response, process.env);
      const { dispatcher, ssfKey } = await signalDispatcherFrom(signalConfig, { dataDir: cfg.data, onResult: (r) => logDelivery(r, log) });
      const signals: SignalDispatcher | undefined = dispatcher.enabled ? dispatcher : undefined;
      // One copy of the IP data for detection and the API's reports.
      const intel = createIpIntel();

      let database: Database;
      let closeStore: () => Promise<void>;
      let response: WorkerResponse | undefined;
      let closeGateway: (() => Promise<void>) | undefined;
      let startApi: ((listen: string) => Promise<{ url: string; close(): Promise<void> }>) | undefined;
      if (opts.respond) {
        const opened = await openTokenServiceForCommand(opts, { longRunning: true });
        database = opened.database;
        closeStore = () => opened.close();
        try {
          const gateway = await gatewayControlFor(opts, database);
          closeGateway = () => gateway.close();
          startApi = (listen) =>
            startResponseApi({
              listen,
              database: opened.database,
              service: opened.service,
              gateway,
              ...(signals ? { signals } : {}),
              ...(ssfKey ? { ssfJwks: [ssfKey.publicJwk] } : {}),
              intel,
            });
          response = {
            admin: opened.service.admin,
            gateway,
            policy: autoPolicyFrom(cfg.response.auto, opts.dryRun ? true : undefined),
            guard: guardPolicyFrom(cfg.response.auto),
          };
        } catch (e) {
          await opened.close().catch(() => {});
          throw e;
        }
      } else {
        const db = await openDatabase({ store: cfg.store, dataDir: cfg.data, migrations: allMigrations });
        database = db;
        closeStore = () => db.close();
      }

      let worker: RunningWorker;
      try {
        worker = await startWorker({
          database,
          bus: cfg.bus,
          snapshotEveryMs,
          intel,
          detection,
          ...(response ? { response } : {}),
          ...(signals ? { signals } : {}),
          onAlert: (alert) => process.stdout.write(`${alertLine(alert, json)}\n`),
          onAction: (incident, outcome) => process.stdout.write(`${actionLine(incident, outcome, json)}\n`),
          onContained: (incident) => {
            if (json) printJsonLine({ type: 'incident', id: incident.id, status: incident.status, credential_id: incident.credential_id });
            else process.stdout.write(`incident ${incident.id} contained (stage ${incident.stage}, risk ${incident.risk_score})\n`);
          },
          log,
        });
      } catch (e) {
        await closeGateway?.().catch(() => {});
        await closeStore().catch(() => {});
        throw e;
      }
      let api: { url: string; close(): Promise<void> } | undefined;
      if (opts.listen && startApi) {
        try {
          api = await startApi(opts.listen);
        } catch (e) {
          await worker.stop().catch(() => {});
          await closeGateway?.().catch(() => {});
          await closeStore().catch(() => {});
          throw e;
        }
        log(`response API listening on ${api.url}`);
      }
      const source = cfg.bus.driver === 'nats' ? `JetStream at ${cfg.bus.url}` : `the store at ${database.location}`;
      const responding = !response
        ? 'not responding'
        : !response.policy?.enabled
          ? 'automatic response disabled by config'
          : response.policy.dry_run
            ? 'responding (dry run)'
            : 'responding by policy';
      const outgoing = `${signalConfig.webhooks.length} webhook(s), ${signalConfig.ssf?.receivers.length ?? 0} SSF receiver(s)`;
      log(`consuming ${source}; ${responding}; signals to ${outgoing}; snapshot every ${opts.snapshotEvery}`);

      const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      log(`${String(signal[0] ?? 'signal')}: stopping`);
      try {
        await api?.close();
        await worker.stop();
        const s = worker.stats();
        log(`stopped after ${s.events} events, ${s.alerts} alerts, ${s.snapshots} snapshots`);
      } finally {
        if (signals && !(await signals.close(10_000))) log(`stopping with ${signals.stats().queued} signal(s) undelivered`);
        await closeGateway?.().catch(() => {});
        await closeStore();
      }
      return EXIT.OK;
    }),
  );
};
