/**
 * Attacks on the AWS account of `aws-org.ts`, as they happen: a key leaked on GitHub and used days
 * later from a VPS abroad; a low-and-slow chain over three days from a server in the victim's own
 * country. Each returns its calls and the time of its first damage (the first successful collection,
 * change, persistence or evasion call).
 */
import { KEYS, START } from './aws-org.js';
import { type Call, createAccessKey, getObject, iamUser, keyId, UA } from './cloudtrail-writer.js';
import { DAY, HOUR, MIN } from './prng.js';

export interface Attack {
  calls: Call[];
  credential: string;
  /** First successful damage call. */
  damageAt: number;
  /** First attacker call. */
  startAt: number;
}

// Every region an enumeration script sweeps, the two opt-in ones (never enabled in this account) included.
const REGIONS = (
  'us-east-1 us-east-2 us-west-1 us-west-2 eu-west-1 eu-west-2 eu-central-1 eu-north-1 ap-south-1 ap-southeast-1 ' +
  'ap-southeast-2 ap-northeast-1 ca-central-1 sa-east-1 me-south-1 af-south-1'
).split(' ');
const OPT_IN = new Set(['me-south-1', 'af-south-1']);

/**
 * alice's key was pushed to a public repository on day 8; on day 12 at 03:14 UTC (night in Chicago) it is
 * used from DigitalOcean Amsterdam with a Python script: whoami, what can I do, everything listed in every
 * region, the backups read, a user with administrator access and a console password, then logging off.
 */
export function leakedKey(): Attack {
  const who = iamUser('alice', KEYS.alice);
  const ip = '188.166.50.4';
  const ua = UA.boto3Linux;
  const t = START + 11 * DAY + 3 * HOUR + 14 * MIN;
  const calls: Call[] = [];
  let at = t;
  const step = (s: number) => {
    at += s * 1000;
    return at;
  };
  calls.push({ at, who, op: 'sts:GetCallerIdentity', source: ip, ua, params: null });
  step(40);
  for (const op of ['iam:GetUser', 'iam:ListAttachedUserPolicies', 'iam:ListUserPolicies', 'iam:ListGroupsForUser']) {
    calls.push({ at: step(1), who, op, source: ip, ua, params: { userName: 'alice' } });
  }
  calls.push({ at: step(2), who, op: 's3:ListBuckets', source: ip, ua, params: { Host: 's3.amazonaws.com' } });
  for (const region of REGIONS) {
    const error = OPT_IN.has(region)
      ? { code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' }
      : undefined;
    calls.push({
      at: step(1),
      who,
      op: 'ec2:DescribeInstances',
      source: ip,
      ua,
      region,
      params: { instancesSet: {}, filterSet: {} },
      error,
    });
  }
  for (const op of [
    'iam:ListUsers',
    'iam:ListRoles',
    'rds:DescribeDBInstances',
    'secretsmanager:ListSecrets',
    'lambda:ListFunctions20150331',
  ]) {
    calls.push({ at: step(2), who, op, source: ip, ua, params: {} });
  }
  calls.push({
    at: step(20),
    who,
    op: 's3:ListObjects',
    source: ip,
    ua,
    params: { bucketName: 'acme-prod-backups', 'list-type': '2', Host: 'acme-prod-backups.s3.amazonaws.com' },
    data: true,
    readOnly: true,
  });
  const damageAt = step(5);
  for (let k = 0; k < 6; k++) {
    calls.push(
      getObject({ at: k === 0 ? damageAt : step(3), who, source: ip, ua }, 'acme-prod-backups', `rds/prod-${k}.sql.gz`, 480_000_000 + k),
    );
  }
  calls.push(
    {
      at: step(60),
      who,
      op: 'iam:CreateUser',
      source: ip,
      ua,
      params: { userName: 'backup-svc' },
      response: { user: { userName: 'backup-svc', arn: 'arn:aws:iam::418295730164:user/backup-svc' } },
    },
    {
      at: step(2),
      who,
      op: 'iam:CreateAccessKey',
      source: ip,
      ua,
      params: { userName: 'backup-svc' },
      response: { accessKey: { accessKeyId: KEYS.attackerUser, status: 'Active', userName: 'backup-svc' } },
    },
    {
      at: step(2),
      who,
      op: 'iam:AttachUserPolicy',
      source: ip,
      ua,
      params: { userName: 'backup-svc', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    },
    { at: step(2), who, op: 'iam:CreateLoginProfile', source: ip, ua, params: { userName: 'backup-svc', passwordResetRequired: false } },
  );
  const backup = iamUser('backup-svc', KEYS.attackerUser);
  calls.push(
    { at: step(30), who: backup, op: 'sts:GetCallerIdentity', source: ip, ua, params: null },
    { at: step(5), who: backup, op: 'cloudtrail:DescribeTrails', source: ip, ua, params: {} },
    {
      at: step(3),
      who: backup,
      op: 'cloudtrail:StopLogging',
      source: ip,
      ua,
      params: { name: 'arn:aws:cloudtrail:us-east-1:418295730164:trail/org-trail' },
    },
    { at: step(3), who: backup, op: 'guardduty:ListDetectors', source: ip, ua, params: {} },
    {
      at: step(3),
      who: backup,
      op: 'guardduty:DeleteDetector',
      source: ip,
      ua,
      params: { detectorId: '12abc34d567e8fa901bc2d34e56789f0' },
    },
    {
      at: step(3),
      who: backup,
      op: 'cloudtrail:PutEventSelectors',
      source: ip,
      ua,
      params: { trailName: 'org-trail', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: false, dataResources: [] }] },
    },
  );
  return { calls, credential: KEYS.alice, damageAt, startAt: t };
}

/**
 * kim's key, lifted from her laptop, replayed slowly from a US VPS (her own country), with the CLI user agent she
 * uses, a few calls a day at her working hours: day 11 whoami; day 12 roles and users; day 13 another user's
 * new key (persistence) and a secret read.
 */
export function lowAndSlow(): Attack {
  const who = iamUser('kim', KEYS.kim);
  const ip = '167.99.100.4';
  const ua = UA.cliLinux;
  const d11 = START + 10 * DAY + 18 * HOUR;
  const calls: Call[] = [
    { at: d11, who, op: 'sts:GetCallerIdentity', source: ip, ua, params: null },
    { at: d11 + DAY, who, op: 'iam:ListRoles', source: ip, ua, params: {} },
    { at: d11 + DAY + 3 * MIN, who, op: 'iam:ListUsers', source: ip, ua, params: {} },
    { at: d11 + DAY + 9 * MIN, who, op: 'iam:GetAccountAuthorizationDetails', source: ip, ua, params: { filter: ['User', 'Role'] } },
  ];
  const damageAt = d11 + 2 * DAY;
  calls.push(
    { at: damageAt, who, op: 'secretsmanager:GetSecretValue', source: ip, ua, params: { secretId: 'prod/payments/stripe' } },
    createAccessKey({ at: damageAt + 4 * MIN, who, source: ip, ua }, 'judy', keyId('AKIA', 'judy-2')),
  );
  return { calls, credential: KEYS.kim, damageAt, startAt: d11 };
}

/**
 * The key of `build-legacy`, an IAM user nobody has used since before these logs begin (the usual leaked key: old,
 * forgotten in a repository), replayed on day 9 at night from a Hetzner server: whoami, a denied look at its own
 * policies, users and buckets and secrets listed, a secret read, a user of its own with a key, then CloudTrail
 * stopped. Neither the key nor its user has any baseline to judge it by.
 */
export function dormantKey(): Attack & { blindedAt: number } {
  const credential = keyId('AKIA', 'build-legacy');
  const who = iamUser('build-legacy', credential);
  const ip = '95.216.71.30';
  const ua = UA.boto3Linux;
  const startAt = START + 8 * DAY + 22 * HOUR + 41 * MIN;
  let at = startAt;
  const step = (s: number) => {
    at += s * 1000;
    return at;
  };
  const calls: Call[] = [
    { at, who, op: 'sts:GetCallerIdentity', source: ip, ua, params: null },
    {
      at: step(20),
      who,
      op: 'iam:ListAttachedUserPolicies',
      source: ip,
      ua,
      params: { userName: 'build-legacy' },
      error: { code: 'AccessDenied', message: 'User: build-legacy is not authorized to perform: iam:ListAttachedUserPolicies' },
    },
    { at: step(4), who, op: 'iam:ListUsers', source: ip, ua, params: {} },
    { at: step(3), who, op: 's3:ListBuckets', source: ip, ua, params: { Host: 's3.amazonaws.com' } },
    { at: step(5), who, op: 'secretsmanager:ListSecrets', source: ip, ua, params: {} },
  ];
  const damageAt = step(40);
  calls.push(
    { at: damageAt, who, op: 'secretsmanager:GetSecretValue', source: ip, ua, params: { secretId: 'prod/db/master' } },
    {
      at: step(90),
      who,
      op: 'iam:CreateUser',
      source: ip,
      ua,
      params: { userName: 'svc-metrics' },
      response: { user: { userName: 'svc-metrics', arn: 'arn:aws:iam::418295730164:user/svc-metrics' } },
    },
    createAccessKey({ at: step(3), who, source: ip, ua }, 'svc-metrics', keyId('AKIA', 'svc-metrics')),
  );
  const blindedAt = step(60);
  calls.push({
    at: blindedAt,
    who,
    op: 'cloudtrail:StopLogging',
    source: ip,
    ua,
    params: { name: 'arn:aws:cloudtrail:us-east-1:418295730164:trail/org-trail' },
  });
  return { calls, credential, damageAt, startAt, blindedAt };
}
