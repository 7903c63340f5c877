/**
 * Two weeks of one AWS account's CloudTrail, the way a small engineering company produces it: people
 * on the CLI and the console, CI and Terraform on OIDC roles, CodeBuild, a Lambda, CloudFormation acting
 * for a user; with the hard negatives (a traveller, a new laptop, on-call nights, CI moving between
 * regions, a Terraform apply, a key rotation, a new employee, Zscaler egress, jobs reading secrets in bulk) and the
 * attacks.
 */

import {
  amiBuilds,
  assistantModelCalls,
  bulkSecretReaders,
  codebuild,
  configRecorder,
  consoleStack,
  DAYS,
  lambdaRole,
  START,
  terraformRuns,
} from './aws-automation.js';
import { type Call, getObject, type Identity, iamUser, keyId, UA } from './cloudtrail-writer.js';
import { DAY, HOUR, MIN, type Prng, weekdays } from './prng.js';

export { DAYS, START };

const HOME_CHICAGO = '73.22.10.5';
const OFFICE_CHICAGO = '99.44.12.8';
const HOME_SUNNYVALE = '24.5.10.20';
const GRACE_HOME = '73.22.10.77';
const LONDON_HOTEL = '86.140.22.5';
const ZSCALER_US = '165.225.8.10';
const ZSCALER_DE = '165.225.72.5';
/** The labelled credentials of the scenario. */
export const KEYS = {
  alice: keyId('AKIA', 'alice'),
  dave: keyId('AKIA', 'dave'),
  erin: keyId('AKIA', 'erin'),
  frankOld: keyId('AKIA', 'frank-old'),
  frankNew: keyId('AKIA', 'frank-new'),
  grace: keyId('AKIA', 'grace'),
  helen: keyId('AKIA', 'helen'),
  ivan: keyId('AKIA', 'ivan'),
  judy: keyId('AKIA', 'judy'),
  kim: keyId('AKIA', 'kim'),
  attackerUser: keyId('AKIA', 'backup-svc'),
} as const;

const ALICE_READS = [
  's3:ListBuckets',
  'ec2:DescribeInstances',
  'logs:FilterLogEvents',
  'lambda:ListFunctions20150331',
  'cloudwatch:GetMetricData',
  'sts:GetCallerIdentity',
  'ecs:ListClusters',
  'ecs:DescribeServices',
];

/** A person's workday at the CLI: `n` calls spread over their working hours (UTC); `source` says where they are at a time. */
function cliDay(
  rng: Prng,
  day: number,
  who: Identity,
  source: (at: number) => string,
  ua: string,
  fromHour: number,
  toHour: number,
  n: number,
  ops: readonly string[],
  buckets: readonly string[],
): Call[] {
  const out: Call[] = [];
  for (let i = 0; i < n; i++) {
    const at = day + fromHour * HOUR + rng.int(0, (toHour - fromHour) * 60 - 1) * MIN + rng.int(0, 59_000);
    const region = rng.next() < 0.8 ? 'us-east-1' : 'us-west-2';
    if (buckets.length > 0 && rng.next() < 0.3) {
      const bucket = rng.pick(buckets);
      out.push(
        getObject({ at, who, source: source(at), ua, region }, bucket, `reports/2026/10/${rng.int(1, 28)}.parquet`, rng.int(2e4, 9e6)),
      );
      continue;
    }
    const op = rng.pick(ops);
    out.push({ at, who, op, source: source(at), ua, region, params: op.startsWith('s3:') || op.startsWith('sts:') ? null : {} });
  }
  return out;
}

/** The benign company: every person and automation, over DAYS days from START. */
export function benignCompany(rng: Prng): Call[] {
  const calls: Call[] = [];
  const days = weekdays(START, DAYS);
  const alice = iamUser('alice', KEYS.alice);
  const dave = iamUser('dave', KEYS.dave);
  const grace = iamUser('grace', KEYS.grace);
  const helen = iamUser('helen', KEYS.helen);
  const ivan = iamUser('ivan', KEYS.ivan);
  const judy = iamUser('judy', KEYS.judy);
  const kim = iamUser('kim', KEYS.kim);
  for (const [i, day] of days.entries()) {
    // alice: Chicago, 9-18 local (14-23 UTC); at home on Mondays and Fridays; on office days she starts at home and
    // commutes at 10 local (15 UTC). The office's AT&T block geolocates to Louisiana, as ISP blocks often do.
    const weekday = new Date(day).getUTCDay();
    const officeDay = weekday >= 2 && weekday <= 4;
    const aliceSrc = (at: number) => (officeDay && at >= day + 16 * HOUR ? OFFICE_CHICAGO : HOME_CHICAGO);
    calls.push(
      ...cliDay(rng, day, alice, aliceSrc, UA.cliMac, 14, 23, rng.int(15, 40), ALICE_READS, ['acme-analytics', 'acme-dashboards']),
    );
    // dave: Sunnyvale, 9-18 PT (16-01 UTC); the eighth workday he flies to London (no calls that day: an 11-hour
    // flight), then two days at a conference there, same laptop, London hours.
    const travelling = i >= 8 && i <= 9;
    if (i !== 7) {
      const [from, to] = travelling ? [8, 18] : [16, 25];
      const src = () => (travelling ? LONDON_HOTEL : HOME_SUNNYVALE);
      calls.push(...cliDay(rng, day, dave, src, UA.cliLinux, from, to, rng.int(10, 30), ALICE_READS, ['acme-analytics']));
    }
    // grace: SRE in Chicago, days; on call the second week, paged at night (03:00-05:00 local is 08:00-10:00 UTC).
    calls.push(...cliDay(rng, day, grace, () => GRACE_HOME, UA.cliMac, 14, 23, rng.int(10, 25), ALICE_READS, []));
    if (i >= 6 && i % 2 === 0) {
      const page = day + 8 * HOUR + rng.int(0, 90) * MIN;
      const ops = [
        'ec2:DescribeInstances',
        'autoscaling:DescribeAutoScalingGroups',
        'logs:FilterLogEvents',
        'autoscaling:SetDesiredCapacity',
        'ec2:RebootInstances',
      ];
      for (let k = 0; k < 12; k++) {
        calls.push({
          at: page + k * rng.int(40, 200) * 1000,
          who: grace,
          op: ops[Math.min(k, ops.length - 1)]!,
          source: GRACE_HOME,
          ua: UA.cliMac,
          params: {},
        });
      }
    }
    // helen: through the company's Zscaler; in Germany for the second week, egressing from Zscaler Frankfurt.
    const abroad = i >= 6;
    calls.push(
      ...cliDay(
        rng,
        day,
        helen,
        () => (abroad ? ZSCALER_DE : ZSCALER_US),
        UA.cliMac,
        abroad ? 7 : 14,
        abroad ? 16 : 22,
        rng.int(8, 20),
        ALICE_READS,
        ['acme-dashboards'],
      ),
    );
    // ivan: a new laptop on day 7 (the CLI updated, the console browser too).
    calls.push(...cliDay(rng, day, ivan, () => '68.33.10.4', i < 6 ? UA.cliMac : UA.cliMacNew, 13, 22, rng.int(8, 20), ALICE_READS, []));
    // kim: a data engineer in Denver, 9-18 MT (15-24 UTC), the CLI on Linux.
    calls.push(...cliDay(rng, day, kim, () => '174.63.10.5', UA.cliLinux, 15, 24, rng.int(10, 25), ALICE_READS, ['acme-analytics']));
    // judy: an administrator who onboards people from the office.
    calls.push(
      ...cliDay(
        rng,
        day,
        judy,
        () => OFFICE_CHICAGO,
        UA.cliMac,
        14,
        22,
        rng.int(5, 12),
        ['iam:ListUsers', 'iam:GetUser', 'iam:ListAccessKeys', 'sts:GetCallerIdentity'],
        [],
      ),
    );
  }
  calls.push(
    ...terraformRuns(rng),
    ...codebuild(rng),
    ...newEmployee(rng),
    ...keyRotation(rng),
    ...consoleStack(rng),
    ...lambdaRole(rng),
    ...configRecorder(rng),
    ...amiBuilds(rng),
    ...assistantModelCalls(rng),
    ...bulkSecretReaders(rng),
  );
  return calls;
}

/** erin joins on day 11: a new key, first calls from the office, fumbling (AccessDenied) as new people do. */
function newEmployee(rng: Prng): Call[] {
  const who = iamUser('erin', KEYS.erin);
  const out: Call[] = [];
  for (const day of weekdays(START + 10 * DAY, 6)) {
    out.push(...cliDay(rng, day, who, () => OFFICE_CHICAGO, UA.cliMac, 15, 22, rng.int(8, 20), ALICE_READS, ['acme-analytics']));
    for (let k = 0; k < 3; k++) {
      out.push({
        at: day + 16 * HOUR + k * 5 * MIN,
        who,
        op: 'iam:ListRoles',
        source: OFFICE_CHICAGO,
        ua: UA.cliMac,
        params: {},
        error: {
          code: 'AccessDenied',
          message: `User: arn:aws:iam::418295730164:user/erin is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::418295730164:role/ because no identity-based policy allows the iam:ListRoles action`,
        },
      });
    }
  }
  return out;
}

/** frank rotates his own key on day 9: create, switch, deactivate, delete; from his desk. */
function keyRotation(rng: Prng): Call[] {
  const old = iamUser('frank', KEYS.frankOld);
  const next = iamUser('frank', KEYS.frankNew);
  const out: Call[] = [];
  for (const [i, day] of weekdays(START, DAYS).entries()) {
    out.push(
      ...cliDay(rng, day, i < 7 ? old : next, () => '71.190.3.4', UA.cliMac, 13, 21, rng.int(8, 20), ALICE_READS, ['acme-dashboards']),
    );
  }
  const t = START + 9 * DAY + 15 * HOUR;
  out.push(
    { at: t, who: old, op: 'iam:ListAccessKeys', source: '71.190.3.4', ua: UA.cliMac, params: {} },
    {
      at: t + MIN,
      who: old,
      op: 'iam:CreateAccessKey',
      source: '71.190.3.4',
      ua: UA.cliMac,
      params: {},
      response: { accessKey: { accessKeyId: KEYS.frankNew, status: 'Active', userName: 'frank', createDate: 'Oct 14, 2026 3:01:00 PM' } },
    },
    {
      at: t + 5 * MIN,
      who: next,
      op: 'iam:UpdateAccessKey',
      source: '71.190.3.4',
      ua: UA.cliMac,
      params: { accessKeyId: KEYS.frankOld, status: 'Inactive' },
    },
    { at: t + 6 * MIN, who: next, op: 'iam:DeleteAccessKey', source: '71.190.3.4', ua: UA.cliMac, params: { accessKeyId: KEYS.frankOld } },
  );
  return out;
}
