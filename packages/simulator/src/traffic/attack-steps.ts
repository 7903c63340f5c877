/**
 * What an attacker does at each stage of the chain, as calls with their stage: the recon of a fresh key, the
 * collection of data, modification, persistence and defense evasion. `attacks.ts` strings them into sessions per
 * attack kind.
 */
import type { AttackStage } from '@tokenwarden/core';
import { ACCOUNT_ID } from '../model/sim-event.js';
import type { Rng } from '../prng.js';
import { BUCKETS, objectKey, PARAMETERS, SECRETS } from './resources.js';
import type { Intent } from './roles.js';

/** One attacker step: the call, its stage, and whether the victim's permissions let it through. */
export interface Step extends Intent {
  stage: AttackStage;
  /** Requires IAM or security-tooling write permissions. */
  needsPrivilege?: boolean;
  /** Forced status (scans of guessed paths return 404). */
  status?: number;
  errorCode?: string;
}

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'sa-east-1',
];

export function recon(rng: Rng, self: string, thorough: boolean): Step[] {
  // Key checkers test a key with the cheapest call there is (often GetCallerIdentity itself, which
  // cannot be denied); then the attacker asks who the key belongs to and what it may do.
  const validity: Step = rng.chance(0.5)
    ? { op: 'sts:GetCallerIdentity', stage: 'validity_check' }
    : { op: 's3:ListBuckets', stage: 'validity_check' };
  const steps: Step[] = [
    validity,
    { op: 'sts:GetCallerIdentity', stage: 'capability_probe' },
    { op: 'iam:GetUser', resource: self, requestParameters: { userName: self }, stage: 'capability_probe' },
    {
      op: 'iam:ListAttachedUserPolicies',
      resource: self,
      requestParameters: { userName: self },
      stage: 'capability_probe',
      needsPrivilege: true,
    },
    { op: 'iam:ListUserPolicies', resource: self, requestParameters: { userName: self }, stage: 'capability_probe', needsPrivilege: true },
    { op: 's3:ListBuckets', stage: 'discovery' },
    { op: 'ec2:DescribeRegions', stage: 'discovery' },
  ];
  for (const region of rng.shuffle(REGIONS).slice(0, thorough ? REGIONS.length : 5))
    steps.push({ op: 'ec2:DescribeInstances', stage: 'discovery', requestParameters: { region } });
  const lists = [
    'iam:ListUsers',
    'iam:ListRoles',
    'secretsmanager:ListSecrets',
    'lambda:ListFunctions',
    'rds:DescribeDBInstances',
    'organizations:DescribeOrganization',
    'cloudtrail:DescribeTrails',
    'guardduty:ListDetectors',
    'dynamodb:ListTables',
    'ssm:DescribeParameters',
    'kms:ListKeys',
    'sns:ListTopics',
    'iam:GetAccountAuthorizationDetails',
  ];
  for (const l of rng.shuffle(lists).slice(0, thorough ? lists.length : 8))
    steps.push({ op: l, stage: 'discovery', needsPrivilege: l.startsWith('iam:') || l.startsWith('organizations:') });
  for (const b of rng.shuffle(Object.values(BUCKETS)).slice(0, thorough ? 9 : 4))
    steps.push({ op: 's3:ListObjectsV2', resource: b, requestParameters: { bucketName: b }, stage: 'discovery' });
  // Guessing high-value object paths: mostly misses.
  for (const guess of ['.env', 'backup.sql', 'config/secrets.json', 'terraform.tfstate', 'id_rsa', 'credentials.csv'].slice(
    0,
    thorough ? 6 : 3,
  )) {
    const bucket = rng.pick(Object.values(BUCKETS));
    steps.push({
      op: 's3:GetObject',
      resource: `${bucket}/${guess}`,
      requestParameters: { bucketName: bucket, key: guess },
      stage: 'discovery',
      status: 404,
      errorCode: 'NoSuchKey',
    });
  }
  return steps;
}

export function collection(rng: Rng, t: number, objects: number): Step[] {
  const steps: Step[] = [];
  for (const bucket of [BUCKETS.customerExports, BUCKETS.dbBackups, BUCKETS.financeReports]) {
    steps.push({ op: 's3:ListObjectsV2', resource: bucket, requestParameters: { bucketName: bucket }, stage: 'collection' });
    for (let i = 0; i < Math.ceil(objects / 3); i++) {
      const key = objectKey(rng, bucket, t);
      steps.push({ op: 's3:GetObject', resource: `${bucket}/${key}`, requestParameters: { bucketName: bucket, key }, stage: 'collection' });
    }
  }
  for (const s of SECRETS)
    steps.push({
      op: 'secretsmanager:GetSecretValue',
      resource: s,
      requestParameters: { secretId: s },
      stage: 'collection',
      needsPrivilege: rng.chance(0.5),
    });
  steps.push({
    op: 'ssm:GetParameter',
    resource: PARAMETERS[1],
    requestParameters: { name: PARAMETERS[1], withDecryption: true },
    stage: 'collection',
  });
  steps.push({ op: 'ce:GetCostAndUsage', stage: 'collection' });
  steps.push({ op: 'iam:GetCredentialReport', stage: 'collection', needsPrivilege: true });
  steps.push({ op: 'dynamodb:Scan', resource: 'customers', requestParameters: { tableName: 'customers' }, stage: 'collection' });
  return steps;
}

export function modification(rng: Rng): Step[] {
  return rng
    .shuffle<Step>([
      {
        op: 's3:DeletePublicAccessBlock',
        resource: BUCKETS.customerExports,
        requestParameters: { bucketName: BUCKETS.customerExports },
        stage: 'modification',
        needsPrivilege: true,
      },
      {
        op: 's3:PutBucketPolicy',
        resource: BUCKETS.customerExports,
        requestParameters: {
          bucketName: BUCKETS.customerExports,
          bucketPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }] },
        },
        stage: 'modification',
        needsPrivilege: true,
      },
      {
        op: 'ec2:AuthorizeSecurityGroupIngress',
        resource: 'sg-0d1e2f3a4b5c6d7e8',
        requestParameters: {
          groupId: 'sg-0d1e2f3a4b5c6d7e8',
          ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] },
        },
        stage: 'modification',
        needsPrivilege: true,
      },
      {
        op: 'account:PutAlternateContact',
        resource: 'BILLING',
        requestParameters: { alternateContactType: 'BILLING', emailAddress: 'billing-dept@proton.me' },
        stage: 'modification',
        needsPrivilege: true,
      },
    ])
    .slice(0, rng.int(1, 3));
}

export function persistence(rng: Rng, self: string, onSelf: boolean): Step[] {
  if (onSelf)
    return [
      { op: 'iam:CreateAccessKey', resource: self, requestParameters: { userName: self }, stage: 'persistence', needsPrivilege: false },
    ];
  const user = rng.pick(['svc-backup-sync', 'aws-support-ops', 'cloudwatch-agent', 'terraform-runner2']);
  const steps: Step[] = [
    { op: 'iam:CreateUser', resource: user, requestParameters: { userName: user }, stage: 'persistence', needsPrivilege: true },
    {
      op: 'iam:AttachUserPolicy',
      resource: user,
      requestParameters: { userName: user, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      stage: 'persistence',
      needsPrivilege: true,
    },
    { op: 'iam:CreateAccessKey', resource: user, requestParameters: { userName: user }, stage: 'persistence', needsPrivilege: true },
  ];
  if (rng.chance(0.5))
    steps.push({
      op: 'iam:CreateLoginProfile',
      resource: user,
      requestParameters: { userName: user, passwordResetRequired: false },
      stage: 'persistence',
      needsPrivilege: true,
    });
  if (rng.chance(0.5))
    steps.push({
      op: 'sns:Subscribe',
      resource: 'prod-alerts',
      requestParameters: {
        topicArn: `arn:aws:sns:us-east-1:${ACCOUNT_ID}:prod-alerts`,
        protocol: 'https',
        endpoint: 'https://hooks.pipedream-relay.net/ingest',
      },
      stage: 'persistence',
    });
  return steps;
}

export function evasion(rng: Rng): Step[] {
  const trail = `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/org-trail`;
  return rng
    .shuffle<Step>([
      {
        op: 'cloudtrail:StopLogging',
        resource: 'org-trail',
        requestParameters: { name: trail },
        stage: 'defense_evasion',
        needsPrivilege: true,
      },
      {
        op: 'guardduty:DeleteDetector',
        resource: '12abc34d567e8fa901bc2d34e56789f0',
        requestParameters: { detectorId: '12abc34d567e8fa901bc2d34e56789f0' },
        stage: 'defense_evasion',
        needsPrivilege: true,
      },
      {
        op: 'cloudwatch:DisableAlarmActions',
        requestParameters: { alarmNames: ['root-login', 'iam-changes', 'api-5xx'] },
        stage: 'defense_evasion',
        needsPrivilege: true,
      },
      {
        op: 'cloudtrail:PutEventSelectors',
        resource: 'org-trail',
        requestParameters: { trailName: trail, eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: false }] },
        stage: 'defense_evasion',
        needsPrivilege: true,
      },
      {
        op: 'config:StopConfigurationRecorder',
        resource: 'default',
        requestParameters: { configurationRecorderName: 'default' },
        stage: 'defense_evasion',
        needsPrivilege: true,
      },
    ])
    .slice(0, rng.int(1, 3));
}

/**
 * A leaked key put to work, as published incidents describe it: either LLM-jacking (list the models, check that
 * invocations are not logged, probe region after region with a deliberately invalid request, then proxy prompts
 * through the regions that answered) or crypto-mining (list the regions, dry-run a GPU launch in each, then launch
 * wherever the quota allows). No persistence and no evasion: the key is the product.
 *
 * @example
 * ```ts
 * const steps = monetisation(rng); // after recon(...)
 * ```
 */
export function monetisation(rng: Rng): Step[] {
  const regions = rng.shuffle(['us-east-1', 'us-west-2', 'eu-central-1', 'eu-west-3', 'ap-northeast-1', 'ap-south-1']).slice(0, 4);
  if (rng.chance(0.5)) {
    const model = rng.pick(['anthropic.claude-3-sonnet-20240229-v1:0', 'anthropic.claude-v2:1', 'meta.llama3-70b-instruct-v1:0']);
    const invoke = (region: string, probe: boolean): Step => ({
      op: 'bedrock:InvokeModel',
      stage: probe ? 'capability_probe' : 'modification',
      resource: model,
      requestParameters: { region, modelId: model },
      ...(probe ? { status: 400, errorCode: 'ValidationException' } : {}),
    });
    return [
      { op: 'bedrock:ListFoundationModels', stage: 'discovery', requestParameters: { region: regions[0] } },
      { op: 'bedrock:GetModelInvocationLoggingConfiguration', stage: 'discovery', requestParameters: { region: regions[0] } },
      ...regions.map((r) => invoke(r, true)),
      ...Array.from({ length: rng.int(20, 60) }, (_, i) => invoke(regions[i % 2] as string, false)),
    ];
  }
  const instanceType = rng.pick(['g4dn.12xlarge', 'g5.48xlarge', 'p3.16xlarge', 'c6i.32xlarge']);
  const launch = (region: string, dryRun: boolean): Step => ({
    op: 'ec2:RunInstances',
    stage: dryRun ? 'capability_probe' : 'modification',
    needsPrivilege: !dryRun,
    requestParameters: { region, instanceType, minCount: 1, maxCount: 20, ...(dryRun ? { dryRun: true } : {}) },
    ...(dryRun ? { status: 412, errorCode: 'Client.DryRunOperation' } : {}),
  });
  return [
    { op: 'ec2:DescribeRegions', stage: 'discovery' },
    ...regions.map((r) => launch(r, true)),
    ...regions.map((r) => launch(r, false)),
  ];
}
