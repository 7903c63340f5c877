import type { IpIntel } from '@tokenwarden/detection';
import {
  ActionLog,
  createResponseApi,
  type FalsePositiveFeedback,
  FeedbackLog,
  type GatewayControl,
  IncidentManager,
  Responder,
  type ResponseApiDeps,
  SettingsStore,
  type SignalDispatcher,
} from '@tokenwarden/response';
import { createRepositories, type Database } from '@tokenwarden/store';
import { parseHostPort, type TokenService } from '@tokenwarden/token-service';
import { tokenAdminAdapter } from '../adapters/token-admin.js';
import { buildCredentialReport } from '../commands/report.js';
import { tokenServiceAuthenticator } from './api-authenticator.js';

/** Options of {@link startResponseApi}. */
export interface ResponseApiServerOptions {
  /** `host:port` (port 0: any free port). */
  listen: string;
  database: Database;
  service: Pick<TokenService, 'admin' | 'view'>;
  gateway: GatewayControl;
  /** Where the SETs of manual actions go (same dispatcher as the worker's). */
  signals?: SignalDispatcher;
  /** Public SSF keys, served at `/v1/ssf/jwks`. */
  ssfJwks?: ResponseApiDeps['ssfJwks'];
  /** What marking a false positive does besides the status; default: record it in the store for every worker's engine. */
  feedback?: FalsePositiveFeedback;
  /** Geolocation of report sources (default none). */
  intel?: IpIntel;
}

/**
 * Serves the response API (see `createResponseApi`) over the shared store and token service: the
 * same incident manager and responder as the CLI, with callers authenticated by the token service.
 *
 * @example
 * ```ts
 * const api = await startResponseApi({ listen: '127.0.0.1:8090', database, service, gateway });
 * console.log(api.url); // http://127.0.0.1:8090
 * await api.close();
 * ```
 */
export async function startResponseApi(o: ResponseApiServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const { host, port } = parseHostPort(o.listen);
  const repos = createRepositories(o.database);
  const tokens = tokenAdminAdapter(o.service.admin, repos.accessEvents);
  const signals = o.signals;
  const app = createResponseApi({
    stores: repos,
    incidents: new IncidentManager(repos, tokens, o.feedback ?? new FeedbackLog(o.database).recorder()),
    responder: new Responder({
      tokens,
      gateway: o.gateway,
      stores: repos,
      actions: new ActionLog(o.database),
      settings: new SettingsStore(o.database, repos.audit),
      ...(signals ? { signals: { securityEvent: (event) => signals.securityEvent(event) } } : {}),
    }),
    authenticate: tokenServiceAuthenticator(o.service.view),
    report: (credential, r) =>
      buildCredentialReport(o.database, o.service.admin, credential, { ...r, ...(o.intel ? { intel: o.intel } : {}) }),
    ...(o.ssfJwks ? { ssfJwks: o.ssfJwks } : {}),
    ...(signals ? { notify: signals } : {}),
  });
  const address = await app.listen({ host, port });
  return { url: address.replace('0.0.0.0', '127.0.0.1'), close: () => app.close() };
}
