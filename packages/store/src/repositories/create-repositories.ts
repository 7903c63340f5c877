import { createAuditLog } from '../audit/audit-log.js';
import type { Database } from '../database.js';
import { createAccessEventRepository } from './access-event-repository.js';
import { createAlertRepository } from './alert-repository.js';
import { createControlOrderLog } from './control-order-log.js';
import { createCredentialRepository } from './credential-repository.js';
import { createIncidentRepository } from './incident-repository.js';
import { createLifecycleEventRepository } from './lifecycle-event-repository.js';
import { createPrincipalRepository } from './principal-repository.js';
import type { Repositories } from './repository-types.js';
import { storeContext } from './store-context.js';

/**
 * Every core repository over one open database (opened with {@link storeMigrations} among its
 * migrations). Driver errors surface as TokenWarden errors: `TW_STORE_LOCKED`,
 * `TW_PERMISSION_DENIED`, `TW_STORE_CORRUPT`, `TW_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const database = await openDatabase({ store: cfg.store, dataDir: cfg.data, migrations: allMigrations });
 * const repos = createRepositories(database);
 * await repos.audit.append({ actor: 'cli', action: 'store.open' });
 * ```
 */
export function createRepositories(database: Database): Repositories {
  const ctx = storeContext(database);
  return {
    principals: createPrincipalRepository(ctx),
    credentials: createCredentialRepository(ctx),
    accessEvents: createAccessEventRepository(ctx),
    lifecycleEvents: createLifecycleEventRepository(ctx),
    alerts: createAlertRepository(ctx),
    incidents: createIncidentRepository(ctx),
    audit: createAuditLog(ctx),
    controlOrders: createControlOrderLog(ctx),
  };
}
