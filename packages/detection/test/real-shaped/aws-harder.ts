/**
 * Harder cases for the AWS account of `aws-org.ts`: an instance role's session keys taken through SSRF from the
 * instance metadata service and used from outside; a key replayed through a residential proxy in the victim's own
 * town with the victim's own CLI; and, as a hard negative, an engineer who turns on a commercial VPN some days.
 */
import type { Attack } from './aws-attacks.js';
import { assumedRole, type Call, createAccessKey, getObject, iamUser, keyId, UA } from './cloudtrail-writer.js';
import { DAY, HOUR, MIN, type Prng, weekdays } from './prng.js';

const START = Date.parse('2026-10-05T00:00:00Z');
const DAYS = 16;
const INSTANCE = 'i-0a7c3e91f2b4d5e68';

/** The instance role's session key of a given 6-hour slot (EC2 rotates instance profile keys every few hours). */
function instanceKey(slot: number): string {
  return keyId('ASIA', `app-${slot}`);
}

/** The web app on one EC2 instance: S3 uploads, SQS, a secret at boot; through a VPC endpoint or its Elastic IP. */
export function appInstance(rng: Prng): Call[] {
  const out: Call[] = [];
  for (let h = 0; h < DAYS * 24; h++) {
    const slot = Math.floor(h / 6);
    const who = assumedRole('acme-web-app', INSTANCE, instanceKey(slot), new Date(START + slot * 6 * HOUR).toISOString());
    for (let k = 0; k < 4; k++) {
      const at = START + h * HOUR + k * 14 * MIN + rng.int(0, 60_000);
      if (k % 2 === 0) {
        out.push({
          ...getObject(
            { at, who, source: '10.0.12.47', ua: UA.boto3Linux },
            'acme-app-uploads',
            `u/${rng.int(1, 9e5)}.jpg`,
            rng.int(2e4, 2e6),
          ),
          vpcEndpoint: true,
        });
      } else {
        out.push({
          at,
          who,
          op: rng.pick(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 's3:PutObject']),
          source: '3.80.12.9',
          ua: UA.boto3Linux,
          params: {},
        });
      }
    }
  }
  return out;
}

/**
 * Day 12, 02:10 UTC: an SSRF in the app hands its instance key to a thief, who uses it within minutes from a VPS
 * (GuardDuty's InstanceCredentialExfiltration): whoami, the buckets, the uploads it can read, the secrets.
 */
export function exfiltratedInstanceKey(): Attack {
  const t = START + 11 * DAY + 2 * HOUR + 10 * MIN;
  const slot = Math.floor((t - START) / (6 * HOUR));
  const who = assumedRole('acme-web-app', INSTANCE, instanceKey(slot), new Date(START + slot * 6 * HOUR).toISOString());
  const ip = '159.89.10.2';
  const ua =
    'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-kali3-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#sts.get-caller-identity';
  const calls: Call[] = [
    { at: t, who, op: 'sts:GetCallerIdentity', source: ip, ua, params: null },
    { at: t + 30_000, who, op: 's3:ListBuckets', source: ip, ua, params: { Host: 's3.amazonaws.com' } },
    {
      at: t + 45_000,
      who,
      op: 'iam:ListAttachedRolePolicies',
      source: ip,
      ua,
      params: { roleName: 'acme-web-app' },
      error: { code: 'AccessDenied', message: 'not authorized to perform: iam:ListAttachedRolePolicies' },
    },
    { at: t + 60_000, who, op: 'secretsmanager:ListSecrets', source: ip, ua, params: {} },
  ];
  const damageAt = t + 90_000;
  calls.push(
    { at: damageAt, who, op: 'secretsmanager:GetSecretValue', source: ip, ua, params: { secretId: 'prod/web/db-password' } },
    getObject({ at: damageAt + 20_000, who, source: ip, ua }, 'acme-app-uploads', 'u/1.jpg', 80_000),
  );
  return { calls, credential: instanceKey(slot), startAt: t, damageAt };
}

/** lena: a data engineer in Oak Park, the CLI on her Mac, weekdays 9-18 local; she reads the analytics bucket. */
export function lenaWorkdays(rng: Prng): Call[] {
  const who = iamUser('lena', keyId('AKIA', 'lena'));
  const out: Call[] = [];
  for (const day of weekdays(START, DAYS)) {
    for (let k = 0; k < rng.int(12, 30); k++) {
      const at = day + 14 * HOUR + rng.int(0, 9 * 60) * MIN;
      if (rng.next() < 0.4)
        out.push(
          getObject(
            { at, who, source: '98.226.10.5', ua: UA.cliMac },
            'acme-analytics',
            `daily/${rng.int(1, 30)}.parquet`,
            rng.int(1e5, 9e6),
          ),
        );
      else
        out.push({
          at,
          who,
          op: rng.pick([
            's3:ListBuckets',
            'athena:StartQueryExecution',
            'athena:GetQueryResults',
            'glue:GetTables',
            'sts:GetCallerIdentity',
          ]),
          source: '98.226.10.5',
          ua: UA.cliMac,
          params: {},
        });
    }
  }
  return out;
}

/**
 * lena's key, stolen by an infostealer, replayed through a residential proxy in her own town with her own CLI user
 * agent, at 11:00 local on day 13: everything a thief does next is new for her key (IAM enumeration, the backups).
 */
export function sameTownProxy(): Attack {
  const who = iamUser('lena', keyId('AKIA', 'lena'));
  const ip = '73.22.10.200';
  const ua = UA.cliMac;
  const t = START + 12 * DAY + 16 * HOUR;
  const calls: Call[] = [{ at: t, who, op: 'sts:GetCallerIdentity', source: ip, ua, params: null }];
  const recon = [
    'iam:GetUser',
    'iam:ListAttachedUserPolicies',
    'iam:ListUsers',
    'iam:ListRoles',
    'iam:GetAccountAuthorizationDetails',
    'ec2:DescribeInstances',
    'rds:DescribeDBInstances',
    'secretsmanager:ListSecrets',
  ];
  recon.forEach((op, k) => {
    calls.push({ at: t + (k + 1) * 12_000, who, op, source: ip, ua, params: {} });
  });
  const damageAt = t + 4 * MIN;
  calls.push(getObject({ at: damageAt, who, source: ip, ua }, 'acme-prod-backups', 'rds/prod-0.sql.gz', 480_000_000));
  calls.push(createAccessKey({ at: damageAt + 2 * MIN, who, source: ip, ua }, 'judy', keyId('AKIA', 'judy-3')));
  return { calls, credential: keyId('AKIA', 'lena'), startAt: t, damageAt };
}

/** oscar: a Toronto engineer who turns on Mullvad on some days (its Amsterdam exit), same laptop and hours. */
export function vpnUser(rng: Prng): Call[] {
  const who = iamUser('oscar', keyId('AKIA', 'oscar'));
  const out: Call[] = [];
  for (const [i, day] of weekdays(START, DAYS).entries()) {
    const ip = i % 4 === 3 ? '185.65.134.5' : '99.224.10.5';
    for (let k = 0; k < rng.int(10, 25); k++) {
      const at = day + 13 * HOUR + rng.int(0, 9 * 60) * MIN;
      out.push({
        at,
        who,
        op: rng.pick(['ec2:DescribeInstances', 's3:ListBuckets', 'logs:FilterLogEvents', 'ecs:DescribeServices']),
        source: ip,
        ua: UA.cliMac,
        params: {},
      });
    }
  }
  return out;
}

/**
 * The same theft, but the thief works from an EC2 instance of its own in Frankfurt with boto3, as the app does
 * (GuardDuty's InstanceCredentialExfiltration.InsideAWS): the same cloud, the same client, only another machine.
 */
export function exfiltratedInsideAws(): Attack {
  const a = exfiltratedInstanceKey();
  return { ...a, calls: a.calls.map((c) => ({ ...c, source: '3.120.10.5', ua: UA.boto3Linux })) };
}
