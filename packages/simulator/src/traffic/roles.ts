import type { Rng } from '../prng.js';
import { BUCKETS, CLUSTERS, FUNCTIONS, INSTANCES, LOG_GROUPS, objectKey, PARAMETERS, TABLES } from './resources.js';

/** What a person does for a living decides which calls they make. */
export type Role = 'developer' | 'sre' | 'data' | 'finance' | 'admin' | 'support';

/** One call a person is about to make: the operation and what it touches. */
export interface Intent {
  op: string;
  resource?: string;
  requestParameters?: Record<string, unknown>;
}

type Chooser = (rng: Rng, at: number) => Intent;

const getObject =
  (bucket: string): Chooser =>
  (rng, at) => {
    const key = objectKey(rng, bucket, at);
    return { op: 's3:GetObject', resource: `${bucket}/${key}`, requestParameters: { bucketName: bucket, key } };
  };
const putObject =
  (bucket: string): Chooser =>
  (rng, at) => {
    const key = objectKey(rng, bucket, at);
    return { op: 's3:PutObject', resource: `${bucket}/${key}`, requestParameters: { bucketName: bucket, key } };
  };
const listObjects =
  (bucket: string): Chooser =>
  () => ({ op: 's3:ListObjectsV2', resource: bucket, requestParameters: { bucketName: bucket, 'list-type': '2' } });
const on =
  (name: string, pool: readonly string[], param: string): Chooser =>
  (rng) => {
    const r = rng.pick(pool);
    return { op: name, resource: r, requestParameters: { [param]: r } };
  };
const plain =
  (name: string): Chooser =>
  () => ({ op: name });

/** Relative weights of what each role does during a working burst. */
const ROLE_MIX: Record<Role, readonly (readonly [Chooser, number])[]> = {
  developer: [
    [listObjects(BUCKETS.webAssets), 3],
    [getObject(BUCKETS.webAssets), 4],
    [putObject(BUCKETS.webAssets), 1],
    [getObject(BUCKETS.appLogs), 2],
    [plain('lambda:ListFunctions'), 2],
    [on('lambda:GetFunction', FUNCTIONS, 'functionName'), 2],
    [on('logs:FilterLogEvents', LOG_GROUPS, 'logGroupName'), 6],
    [on('logs:GetLogEvents', LOG_GROUPS, 'logGroupName'), 3],
    [on('ecs:DescribeServices', CLUSTERS, 'cluster'), 3],
    [on('ecs:ListTasks', CLUSTERS, 'cluster'), 2],
    [plain('ec2:DescribeInstances'), 2],
    [plain('cloudwatch:GetMetricData'), 3],
    [on('dynamodb:Query', TABLES, 'tableName'), 3],
    [on('dynamodb:GetItem', TABLES, 'tableName'), 2],
    [on('ssm:GetParameter', PARAMETERS, 'name'), 1],
    [plain('cloudformation:DescribeStacks'), 1],
  ],
  sre: [
    [plain('ec2:DescribeInstances'), 5],
    [on('ec2:StopInstances', INSTANCES, 'instanceId'), 0.3],
    [on('ec2:StartInstances', INSTANCES, 'instanceId'), 0.3],
    [plain('ec2:DescribeSecurityGroups'), 2],
    [on('ecs:DescribeServices', CLUSTERS, 'cluster'), 4],
    [on('ecs:ListTasks', CLUSTERS, 'cluster'), 3],
    [on('logs:FilterLogEvents', LOG_GROUPS, 'logGroupName'), 6],
    [plain('cloudwatch:GetMetricData'), 5],
    [plain('cloudwatch:DescribeAlarms'), 2],
    [plain('rds:DescribeDBInstances'), 2],
    [on('iam:GetRole', ['ecs-task-api', 'ecs-task-worker', 'lambda-exec'], 'roleName'), 1],
    [plain('cloudtrail:LookupEvents'), 0.5],
    [getObject(BUCKETS.appLogs), 2],
  ],
  data: [
    [listObjects(BUCKETS.dataLake), 3],
    [getObject(BUCKETS.dataLake), 12],
    [putObject(BUCKETS.dataLake), 2],
    [getObject(BUCKETS.mlModels), 2],
    [putObject(BUCKETS.mlModels), 1],
    [on('dynamodb:Query', TABLES, 'tableName'), 2],
    [plain('cloudwatch:GetMetricData'), 1],
  ],
  finance: [
    [plain('ce:GetCostAndUsage'), 6],
    [listObjects(BUCKETS.financeReports), 3],
    [getObject(BUCKETS.financeReports), 5],
    [putObject(BUCKETS.financeReports), 1],
    [plain('organizations:ListAccounts'), 1],
    [plain('account:GetContactInformation'), 0.5],
  ],
  admin: [
    [plain('iam:ListUsers'), 4],
    [on('iam:GetUser', ['svc-ci-deploy', 'svc-backup', 'svc-monitoring'], 'userName'), 2],
    [on('iam:ListAccessKeys', ['svc-ci-deploy', 'svc-backup', 'svc-monitoring'], 'userName'), 2],
    [on('iam:ListAttachedUserPolicies', ['svc-ci-deploy', 'svc-terraform'], 'userName'), 2],
    [plain('iam:ListRoles'), 2],
    [plain('iam:GetCredentialReport'), 0.5],
    [plain('organizations:DescribeOrganization'), 1],
    [plain('guardduty:ListDetectors'), 1],
    [plain('cloudtrail:DescribeTrails'), 1],
    [plain('cloudwatch:DescribeAlarms'), 1],
    [plain('ce:GetCostAndUsage'), 1],
  ],
  support: [
    [on('dynamodb:GetItem', ['customers', 'orders'], 'tableName'), 8],
    [on('dynamodb:Query', ['customers', 'orders'], 'tableName'), 4],
    [getObject(BUCKETS.customerExports), 2],
    [on('logs:FilterLogEvents', ['/ecs/api'], 'logGroupName'), 3],
  ],
};

/**
 * Draws the next call a person in `role` makes.
 *
 * @example
 * ```ts
 * nextIntent(rng, 'finance', Date.now()).op; // e.g. 'ce:GetCostAndUsage'
 * ```
 */
export function nextIntent(rng: Rng, role: Role, at: number): Intent {
  return rng.weighted(ROLE_MIX[role])(rng, at);
}

/**
 * Calls an on-call engineer makes while answering a page at night.
 *
 * @example
 * ```ts
 * incidentIntent(rng, Date.now()).op; // e.g. 'logs:FilterLogEvents'
 * ```
 */
export function incidentIntent(rng: Rng, at: number): Intent {
  return rng.weighted<Chooser>([
    [on('logs:FilterLogEvents', LOG_GROUPS, 'logGroupName'), 6],
    [plain('cloudwatch:GetMetricData'), 5],
    [on('ecs:DescribeServices', CLUSTERS, 'cluster'), 4],
    [on('ecs:ListTasks', CLUSTERS, 'cluster'), 2],
    [on('ecs:UpdateService', ['prod-api', 'prod-worker'], 'cluster'), 0.6],
    [plain('rds:DescribeDBInstances'), 1],
    [plain('cloudwatch:DescribeAlarms'), 2],
    [getObject(BUCKETS.appLogs), 1],
  ])(rng, at);
}
