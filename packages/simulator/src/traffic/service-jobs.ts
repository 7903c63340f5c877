/**
 * The jobs of the company's automation, as the calls each run makes: a deploy, a Terraform plan and apply, a
 * posture scan, an application's data calls. `services.ts` schedules them per service.
 */
import type { Rng } from '../prng.js';
import { BUCKETS, CLUSTERS, FUNCTIONS, objectKey, REPOSITORIES, SECRETS, TABLES } from './resources.js';
import type { Intent } from './roles.js';
import type { ServiceKind } from './services.js';

/** Plays intents as calls from `t`, `gapMs` apart; returns the time after the last. */
export type Seq = (t: number, intents: Intent[], gapMs: [number, number]) => number;

export function deployJob(rng: Rng, t0: number, kind: ServiceKind, seq: Seq): void {
  const repo = rng.pick(REPOSITORIES);
  const intents: Intent[] = [{ op: 'sts:GetCallerIdentity' }, { op: 'ecr:GetAuthorizationToken' }];
  for (let i = 0; i < rng.int(2, 6); i++)
    intents.push({ op: 'ecr:BatchCheckLayerAvailability', resource: repo, requestParameters: { repositoryName: repo } });
  intents.push({
    op: 'ecr:PutImage',
    resource: repo,
    requestParameters: { repositoryName: repo, imageTag: rng.chars(7, '0123456789abcdef') },
  });
  if (kind === 'ci-runner') {
    const key = objectKey(rng, BUCKETS.ciArtifacts, t0);
    intents.push({
      op: 's3:GetObject',
      resource: `${BUCKETS.ciArtifacts}/${key}`,
      requestParameters: { bucketName: BUCKETS.ciArtifacts, key },
    });
    intents.push({
      op: 's3:PutObject',
      resource: `${BUCKETS.ciArtifacts}/${key}`,
      requestParameters: { bucketName: BUCKETS.ciArtifacts, key },
    });
    if (rng.chance(0.4)) {
      const fn = rng.pick(FUNCTIONS);
      intents.push({ op: 'lambda:UpdateFunctionCode', resource: fn, requestParameters: { functionName: fn } });
    }
  } else {
    const cluster = rng.pick(CLUSTERS);
    intents.push({ op: 'ecs:RegisterTaskDefinition', requestParameters: { family: repo } });
    intents.push({ op: 'ecs:UpdateService', resource: cluster, requestParameters: { cluster, service: repo } });
    for (let i = 0; i < rng.int(3, 8); i++) intents.push({ op: 'ecs:DescribeServices', resource: cluster, requestParameters: { cluster } });
  }
  seq(t0, intents, [1500, 20_000]);
}

export function terraformPlan(rng: Rng, t0: number, seq: Seq): number {
  const reads: Intent[] = [
    { op: 'sts:GetCallerIdentity' },
    {
      op: 's3:GetObject',
      resource: `${BUCKETS.tfState}/apps/terraform.tfstate`,
      requestParameters: { bucketName: BUCKETS.tfState, key: 'apps/terraform.tfstate' },
    },
    { op: 'ec2:DescribeVpcs' },
    { op: 'ec2:DescribeSubnets' },
    { op: 'ec2:DescribeSecurityGroups' },
    { op: 'ec2:DescribeInstances' },
    { op: 'ec2:DescribeImages' },
    { op: 'rds:DescribeDBInstances' },
    { op: 'lambda:GetFunction', resource: rng.pick(FUNCTIONS) },
    { op: 'cloudwatch:DescribeAlarms' },
  ];
  for (const role of ['ecs-task-api', 'ecs-task-worker', 'lambda-exec', 'ci-deploy'])
    reads.push({ op: 'iam:GetRole', resource: role, requestParameters: { roleName: role } });
  for (const b of Object.values(BUCKETS)) reads.push({ op: 's3:GetBucketPolicy', resource: b, requestParameters: { bucketName: b } });
  return seq(t0, rng.shuffle(reads), [80, 700]);
}

export function terraformApply(rng: Rng, t0: number, seq: Seq): void {
  const pool: Intent[] = [
    { op: 'ec2:CreateSecurityGroup', requestParameters: { groupName: `app-${rng.chars(4, 'abcdef0123')}` } },
    { op: 'ec2:AuthorizeSecurityGroupIngress', resource: `sg-${rng.chars(17, '0123456789abcdef')}` },
    { op: 'ec2:RunInstances', requestParameters: { instanceType: 'm7g.large', minCount: 1, maxCount: 1 } },
    { op: 'ec2:CreateTags' },
    { op: 'iam:CreateRole', resource: `app-${rng.chars(5, 'abcdefgh')}`, requestParameters: { roleName: 'app' } },
    { op: 'iam:PutRolePolicy', resource: 'ecs-task-api', requestParameters: { roleName: 'ecs-task-api', policyName: 'inline' } },
    {
      op: 'iam:AttachRolePolicy',
      resource: 'ecs-task-worker',
      requestParameters: { roleName: 'ecs-task-worker', policyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' },
    },
    { op: 's3:PutBucketPolicy', resource: BUCKETS.webAssets, requestParameters: { bucketName: BUCKETS.webAssets } },
    { op: 's3:PutBucketVersioning', resource: BUCKETS.dataLake, requestParameters: { bucketName: BUCKETS.dataLake } },
    { op: 'lambda:UpdateFunctionCode', resource: rng.pick(FUNCTIONS) },
    { op: 'cloudwatch:PutMetricAlarm', resource: 'api-5xx' },
    { op: 'rds:ModifyDBInstance', resource: 'orders' },
  ];
  const changes = rng.shuffle(pool).slice(0, rng.int(3, pool.length));
  if (rng.chance(0.2)) {
    // Occasionally a new service user with its key: exactly what an attacker would do, done by the usual pipeline.
    const user = `svc-${rng.pick(['reports', 'exporter', 'webhooks'])}`;
    changes.push({ op: 'iam:CreateUser', resource: user, requestParameters: { userName: user } });
    changes.push({ op: 'iam:CreateAccessKey', resource: user, requestParameters: { userName: user } });
  }
  if (rng.chance(0.15)) changes.push({ op: 'cloudwatch:DeleteAlarms', requestParameters: { alarmNames: ['api-5xx-old'] } });
  const t = seq(t0, changes, [500, 8000]);
  seq(
    t,
    [
      {
        op: 's3:PutObject',
        resource: `${BUCKETS.tfState}/apps/terraform.tfstate`,
        requestParameters: { bucketName: BUCKETS.tfState, key: 'apps/terraform.tfstate' },
      },
    ],
    [0, 0],
  );
}

export function postureScan(t0: number, seq: Seq): void {
  const intents: Intent[] = [
    { op: 'sts:GetCallerIdentity' },
    { op: 'iam:GetAccountAuthorizationDetails' },
    { op: 'iam:GenerateCredentialReport' },
    { op: 'iam:GetCredentialReport' },
    { op: 'iam:ListUsers' },
    { op: 'iam:ListRoles' },
    { op: 'iam:ListPolicies' },
    { op: 'ec2:DescribeRegions' },
    { op: 'ec2:DescribeSecurityGroups' },
    { op: 'ec2:DescribeInstances' },
    { op: 'cloudtrail:DescribeTrails' },
    { op: 'cloudtrail:GetTrailStatus', resource: 'org-trail' },
    { op: 'guardduty:ListDetectors' },
    { op: 'kms:ListKeys' },
    { op: 'secretsmanager:ListSecrets' },
    { op: 'rds:DescribeDBInstances' },
    { op: 'lambda:ListFunctions' },
    { op: 's3:ListBuckets' },
  ];
  for (const b of Object.values(BUCKETS)) {
    intents.push({ op: 's3:GetBucketPolicy', resource: b, requestParameters: { bucketName: b } });
    intents.push({ op: 's3:GetBucketAcl', resource: b, requestParameters: { bucketName: b } });
  }
  for (const u of ['svc-ci-deploy', 'svc-backup', 'svc-terraform'])
    intents.push({ op: 'iam:ListAccessKeys', resource: u, requestParameters: { userName: u } });
  seq(t0, intents, [150, 1200]);
}

export function appIntent(rng: Rng, t: number): Intent {
  const r = rng.next();
  if (r < 0.45) {
    const table = rng.pick(TABLES);
    return { op: rng.chance(0.6) ? 'dynamodb:GetItem' : 'dynamodb:Query', resource: table, requestParameters: { tableName: table } };
  }
  if (r < 0.75) {
    const key = objectKey(rng, BUCKETS.webAssets, t);
    return { op: 's3:GetObject', resource: `${BUCKETS.webAssets}/${key}`, requestParameters: { bucketName: BUCKETS.webAssets, key } };
  }
  if (r < 0.9) {
    const key = objectKey(rng, BUCKETS.customerExports, t);
    return {
      op: 's3:PutObject',
      resource: `${BUCKETS.customerExports}/${key}`,
      requestParameters: { bucketName: BUCKETS.customerExports, key },
    };
  }
  if (r < 0.98) return { op: 'kms:Decrypt' };
  const secret = rng.pick(SECRETS.slice(0, 3));
  return { op: 'secretsmanager:GetSecretValue', resource: secret, requestParameters: { secretId: secret } };
}
