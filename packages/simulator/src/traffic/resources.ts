import { COMPANY } from '../model/sim-event.js';
import type { Rng } from '../prng.js';

/** The company's S3 buckets, by purpose. */
export const BUCKETS = {
  webAssets: `${COMPANY}-web-assets`,
  dataLake: `${COMPANY}-data-lake`,
  appLogs: `${COMPANY}-app-logs`,
  financeReports: `${COMPANY}-finance-reports`,
  dbBackups: `${COMPANY}-db-backups`,
  mlModels: `${COMPANY}-ml-models`,
  customerExports: `${COMPANY}-customer-exports`,
  tfState: `${COMPANY}-tf-state`,
  ciArtifacts: `${COMPANY}-ci-artifacts`,
} as const;

/** Log groups, functions, tables, clusters, secrets and parameters people and services touch. */
export const LOG_GROUPS = ['/ecs/api', '/ecs/worker', '/aws/lambda/thumbnailer', '/aws/lambda/billing-sync', '/aws/rds/orders'];
export const FUNCTIONS = ['thumbnailer', 'billing-sync', 'webhook-dispatch', 'search-indexer'];
export const TABLES = ['orders', 'customers', 'sessions', 'feature-flags'];
export const CLUSTERS = ['prod-api', 'prod-worker', 'staging'];
export const SECRETS = ['prod/db/orders', 'prod/stripe', 'prod/sendgrid', 'staging/db'];
export const PARAMETERS = ['/app/prod/feature-flags', '/app/prod/db-host', '/app/staging/db-host'];
export const INSTANCES = ['i-0a1b2c3d4e5f60718', 'i-0f9e8d7c6b5a40312', 'i-03c4d5e6f7a8b9012'];
export const REPOSITORIES = ['api', 'worker', 'frontend'];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * A plausible object key in a bucket, so that reads touch many different objects the way
 * real work does.
 *
 * @example
 * ```ts
 * objectKey(rng, BUCKETS.dataLake, Date.now()); // 'events/2026/11/03/part-00017.parquet'
 * ```
 */
export function objectKey(rng: Rng, bucket: string, at: number): string {
  const d = new Date(at - rng.int(0, 20) * 86_400_000);
  const day = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  switch (bucket) {
    case BUCKETS.dataLake:
      return `events/${day}/part-${pad(rng.int(0, 63), 5)}.parquet`;
    case BUCKETS.appLogs:
      return `api/${day}/${pad(rng.int(0, 23))}/log-${rng.int(1000, 9999)}.gz`;
    case BUCKETS.financeReports:
      return `monthly/${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}/${rng.pick(['invoices', 'revenue', 'payroll', 'cost'])}.csv`;
    case BUCKETS.dbBackups:
      return `orders/${day}/orders-${pad(rng.int(0, 9), 3)}.sql.gz`;
    case BUCKETS.mlModels:
      return `ranker/v${rng.int(10, 14)}/model-${rng.int(1, 8)}.bin`;
    case BUCKETS.customerExports:
      return `exports/${rng.pick(['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'])}/${day}/customers.csv`;
    case BUCKETS.tfState:
      return `${rng.pick(['network', 'iam', 'apps', 'data'])}/terraform.tfstate`;
    case BUCKETS.ciArtifacts:
      return `builds/${rng.pick(REPOSITORIES)}/${rng.int(4000, 9999)}/bundle.tar.gz`;
    default:
      return `static/${rng.pick(['img', 'js', 'css'])}/${rng.chars(8, 'abcdef0123456789')}.${rng.pick(['png', 'js', 'css'])}`;
  }
}
