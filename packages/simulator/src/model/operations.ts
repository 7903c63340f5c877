/** OCSF API Activity `activity_id`: 1 create, 2 read, 3 update, 4 delete, 99 other. */
export type ActivityId = 1 | 2 | 3 | 4 | 99;

/**
 * One API operation, described once and rendered three ways: as a CloudTrail `eventSource` and
 * `eventName`, as an OCSF `api.operation`, and as the HTTP method and path of our native events.
 */
export interface Operation {
  /** `service:Action`, the IAM action name, e.g. `iam:CreateAccessKey`. */
  name: string;
  service: string;
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path template; `{r}` is replaced by the resource name. */
  path: string;
  readOnly: boolean;
  activity: ActivityId;
  /** S3 object-level calls are CloudTrail data events; everything else is a management event. */
  dataEvent: boolean;
  /** Typical response size in bytes. */
  bytes: number;
}

type Spec = [name: string, method: Operation['method'], path: string, activity: ActivityId, bytes: number];

const SPECS: Spec[] = [
  ['sts:GetCallerIdentity', 'GET', '/v1/me', 2, 420],
  ['iam:GetUser', 'GET', '/v1/iam/users/{r}', 2, 600],
  ['iam:ListAttachedUserPolicies', 'GET', '/v1/iam/users/{r}/attached-policies', 2, 900],
  ['iam:ListUserPolicies', 'GET', '/v1/iam/users/{r}/policies', 2, 500],
  ['iam:GetAccountAuthorizationDetails', 'GET', '/v1/iam/account-authorization-details', 2, 480_000],
  ['iam:ListUsers', 'GET', '/v1/iam/users', 2, 24_000],
  ['iam:ListRoles', 'GET', '/v1/iam/roles', 2, 60_000],
  ['iam:ListAccessKeys', 'GET', '/v1/iam/users/{r}/access-keys', 2, 700],
  ['iam:ListPolicies', 'GET', '/v1/iam/policies', 2, 90_000],
  ['iam:GetRole', 'GET', '/v1/iam/roles/{r}', 2, 1_500],
  ['iam:GetPolicy', 'GET', '/v1/iam/policies/{r}', 2, 1_200],
  ['iam:GenerateCredentialReport', 'POST', '/v1/iam/credential-report', 1, 200],
  ['iam:GetCredentialReport', 'GET', '/v1/iam/credential-report', 2, 38_000],
  ['iam:CreateUser', 'POST', '/v1/iam/users', 1, 500],
  ['iam:CreateAccessKey', 'POST', '/v1/iam/users/{r}/access-keys', 1, 400],
  ['iam:DeleteAccessKey', 'DELETE', '/v1/iam/users/{r}/access-keys', 4, 100],
  ['iam:UpdateAccessKey', 'PATCH', '/v1/iam/users/{r}/access-keys', 3, 100],
  ['iam:AttachUserPolicy', 'POST', '/v1/iam/users/{r}/attached-policies', 1, 100],
  ['iam:AddUserToGroup', 'POST', '/v1/iam/groups/{r}/members', 1, 100],
  ['iam:CreateLoginProfile', 'POST', '/v1/iam/users/{r}/login-profile', 1, 300],
  ['iam:CreateRole', 'POST', '/v1/iam/roles', 1, 900],
  ['iam:PutRolePolicy', 'PUT', '/v1/iam/roles/{r}/policies', 3, 100],
  ['iam:AttachRolePolicy', 'POST', '/v1/iam/roles/{r}/attached-policies', 1, 100],
  ['iam:UpdateAssumeRolePolicy', 'PUT', '/v1/iam/roles/{r}/trust-policy', 3, 100],
  ['s3:ListBuckets', 'GET', '/v1/s3/buckets', 2, 3_000],
  ['s3:ListObjectsV2', 'GET', '/v1/s3/buckets/{r}/objects', 2, 16_000],
  ['s3:GetObject', 'GET', '/v1/s3/buckets/{r}', 2, 240_000],
  ['s3:PutObject', 'PUT', '/v1/s3/buckets/{r}', 1, 200],
  ['s3:GetBucketPolicy', 'GET', '/v1/s3/buckets/{r}/policy', 2, 1_100],
  ['s3:GetBucketAcl', 'GET', '/v1/s3/buckets/{r}/acl', 2, 800],
  ['s3:PutBucketPolicy', 'PUT', '/v1/s3/buckets/{r}/policy', 3, 100],
  ['s3:PutBucketVersioning', 'PUT', '/v1/s3/buckets/{r}/versioning', 3, 100],
  ['s3:DeletePublicAccessBlock', 'DELETE', '/v1/s3/buckets/{r}/public-access-block', 4, 100],
  ['s3:CreateBucket', 'PUT', '/v1/s3/buckets/{r}', 1, 200],
  ['ec2:DescribeInstances', 'GET', '/v1/ec2/instances', 2, 30_000],
  ['ec2:DescribeRegions', 'GET', '/v1/ec2/regions', 2, 2_500],
  ['ec2:DescribeSecurityGroups', 'GET', '/v1/ec2/security-groups', 2, 12_000],
  ['ec2:DescribeVpcs', 'GET', '/v1/ec2/vpcs', 2, 4_000],
  ['ec2:DescribeSubnets', 'GET', '/v1/ec2/subnets', 2, 6_000],
  ['ec2:DescribeImages', 'GET', '/v1/ec2/images', 2, 20_000],
  ['ec2:StartInstances', 'POST', '/v1/ec2/instances/{r}/start', 3, 400],
  ['ec2:StopInstances', 'POST', '/v1/ec2/instances/{r}/stop', 3, 400],
  ['ec2:RunInstances', 'POST', '/v1/ec2/instances', 1, 3_000],
  ['bedrock:ListFoundationModels', 'GET', '/v1/bedrock/foundation-models', 2, 40_000],
  ['bedrock:GetModelInvocationLoggingConfiguration', 'GET', '/v1/bedrock/logging/model-invocations', 2, 300],
  ['bedrock:InvokeModel', 'POST', '/v1/bedrock/models/{r}/invoke', 99, 6_000],
  ['ec2:CreateTags', 'POST', '/v1/ec2/tags', 1, 100],
  ['ec2:CreateSecurityGroup', 'POST', '/v1/ec2/security-groups', 1, 200],
  ['ec2:AuthorizeSecurityGroupIngress', 'POST', '/v1/ec2/security-groups/{r}/ingress', 3, 300],
  ['ec2:CreateKeyPair', 'POST', '/v1/ec2/key-pairs', 1, 2_000],
  ['rds:DescribeDBInstances', 'GET', '/v1/rds/instances', 2, 9_000],
  ['rds:ModifyDBInstance', 'PATCH', '/v1/rds/instances/{r}', 3, 2_000],
  ['rds:CreateDBSnapshot', 'POST', '/v1/rds/instances/{r}/snapshots', 1, 1_000],
  ['lambda:ListFunctions', 'GET', '/v1/lambda/functions', 2, 14_000],
  ['lambda:GetFunction', 'GET', '/v1/lambda/functions/{r}', 2, 2_000],
  ['lambda:UpdateFunctionCode', 'PUT', '/v1/lambda/functions/{r}/code', 3, 1_500],
  ['lambda:CreateFunction', 'POST', '/v1/lambda/functions', 1, 1_500],
  ['ecs:ListClusters', 'GET', '/v1/ecs/clusters', 2, 600],
  ['ecs:DescribeServices', 'GET', '/v1/ecs/clusters/{r}/services', 2, 8_000],
  ['ecs:ListTasks', 'GET', '/v1/ecs/clusters/{r}/tasks', 2, 1_500],
  ['ecs:UpdateService', 'PATCH', '/v1/ecs/clusters/{r}/services', 3, 3_000],
  ['ecs:RegisterTaskDefinition', 'POST', '/v1/ecs/task-definitions', 1, 2_500],
  ['ecr:GetAuthorizationToken', 'POST', '/v1/ecr/authorization-token', 99, 1_200],
  ['ecr:BatchCheckLayerAvailability', 'POST', '/v1/ecr/repositories/{r}/layers', 2, 400],
  ['ecr:PutImage', 'PUT', '/v1/ecr/repositories/{r}/images', 1, 800],
  ['logs:DescribeLogGroups', 'GET', '/v1/logs/groups', 2, 7_000],
  ['logs:FilterLogEvents', 'POST', '/v1/logs/groups/{r}/events:filter', 2, 40_000],
  ['logs:GetLogEvents', 'GET', '/v1/logs/groups/{r}/events', 2, 30_000],
  ['cloudwatch:GetMetricData', 'POST', '/v1/cloudwatch/metric-data', 2, 9_000],
  ['cloudwatch:DescribeAlarms', 'GET', '/v1/cloudwatch/alarms', 2, 11_000],
  ['cloudwatch:PutMetricAlarm', 'PUT', '/v1/cloudwatch/alarms/{r}', 3, 100],
  ['cloudwatch:DisableAlarmActions', 'POST', '/v1/cloudwatch/alarms/actions:disable', 3, 100],
  ['cloudwatch:DeleteAlarms', 'DELETE', '/v1/cloudwatch/alarms', 4, 100],
  ['dynamodb:ListTables', 'GET', '/v1/dynamodb/tables', 2, 900],
  ['dynamodb:Query', 'POST', '/v1/dynamodb/tables/{r}/query', 2, 6_000],
  ['dynamodb:GetItem', 'POST', '/v1/dynamodb/tables/{r}/item', 2, 1_200],
  ['dynamodb:Scan', 'POST', '/v1/dynamodb/tables/{r}/scan', 2, 900_000],
  ['secretsmanager:ListSecrets', 'GET', '/v1/secrets', 2, 5_000],
  ['secretsmanager:GetSecretValue', 'GET', '/v1/secrets/{r}/value', 2, 600],
  ['ssm:DescribeParameters', 'GET', '/v1/ssm/parameters', 2, 4_000],
  ['ssm:GetParameter', 'GET', '/v1/ssm/parameters/{r}', 2, 400],
  ['kms:ListKeys', 'GET', '/v1/kms/keys', 2, 1_500],
  ['kms:Decrypt', 'POST', '/v1/kms/decrypt', 99, 300],
  ['sns:ListTopics', 'GET', '/v1/sns/topics', 2, 1_200],
  ['sns:Subscribe', 'POST', '/v1/sns/topics/{r}/subscriptions', 1, 300],
  ['cloudformation:DescribeStacks', 'GET', '/v1/cloudformation/stacks', 2, 12_000],
  ['organizations:DescribeOrganization', 'GET', '/v1/organizations/organization', 2, 700],
  ['organizations:ListAccounts', 'GET', '/v1/organizations/accounts', 2, 3_000],
  ['ce:GetCostAndUsage', 'POST', '/v1/billing/cost-and-usage', 2, 45_000],
  ['account:GetContactInformation', 'GET', '/v1/account/contact', 2, 600],
  ['account:PutAlternateContact', 'PUT', '/v1/account/alternate-contacts/{r}', 3, 100],
  ['cloudtrail:DescribeTrails', 'GET', '/v1/cloudtrail/trails', 2, 1_400],
  ['cloudtrail:GetTrailStatus', 'GET', '/v1/cloudtrail/trails/{r}/status', 2, 600],
  ['cloudtrail:LookupEvents', 'POST', '/v1/cloudtrail/events:lookup', 2, 60_000],
  ['cloudtrail:StopLogging', 'POST', '/v1/cloudtrail/trails/{r}/logging:stop', 3, 100],
  ['cloudtrail:DeleteTrail', 'DELETE', '/v1/cloudtrail/trails/{r}', 4, 100],
  ['cloudtrail:PutEventSelectors', 'PUT', '/v1/cloudtrail/trails/{r}/event-selectors', 3, 500],
  ['guardduty:ListDetectors', 'GET', '/v1/guardduty/detectors', 2, 300],
  ['guardduty:DeleteDetector', 'DELETE', '/v1/guardduty/detectors/{r}', 4, 100],
  ['guardduty:UpdateDetector', 'PATCH', '/v1/guardduty/detectors/{r}', 3, 100],
  ['config:StopConfigurationRecorder', 'POST', '/v1/config/recorders/{r}:stop', 3, 100],
];

const SERVICE_SOURCE: Record<string, string> = { ce: 'ce.amazonaws.com', account: 'account.amazonaws.com' };

/**
 * The catalogue of operations, by `service:Action` name.
 *
 * @example
 * ```ts
 * OPERATIONS.get('cloudtrail:StopLogging')?.readOnly; // false
 * ```
 */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  SPECS.map(([name, method, path, activity, bytes]) => {
    const [service, action] = name.split(':') as [string, string];
    const op: Operation = {
      name,
      service,
      action,
      method,
      path,
      readOnly: activity === 2,
      activity,
      dataEvent: name === 's3:GetObject' || name === 's3:PutObject',
      bytes,
    };
    return [name, op];
  }),
);

/**
 * Looks up an operation; throws on an unknown name (a bug in the simulator).
 *
 * @example
 * ```ts
 * op('s3:GetObject').dataEvent; // true
 * ```
 */
export function op(name: string): Operation {
  const o = OPERATIONS.get(name);
  if (!o) throw new RangeError(`unknown simulator operation ${name}`);
  return o;
}

/**
 * The CloudTrail `eventSource` of an operation.
 *
 * @example
 * ```ts
 * eventSourceOf(op('iam:ListUsers')); // 'iam.amazonaws.com'
 * ```
 */
export function eventSourceOf(o: Operation): string {
  return SERVICE_SOURCE[o.service] ?? `${o.service}.amazonaws.com`;
}
