import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../src/engine/index.js';
import type { EnrichedEvent } from '../../src/enriched-event.js';
import { DAY, ev, HOUR, MIN, T0, workdays } from './helpers/events.js';

/** Deterministic jitter. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function benignMonth(): EnrichedEvent[] {
  const rnd = prng(7);
  const out: EnrichedEvent[] = [];
  const devOps = [
    's3:ListBuckets',
    's3:GetObject',
    'ec2:DescribeInstances',
    'logs:FilterLogEvents',
    'lambda:ListFunctions',
    'ec2:RunInstances',
  ];
  // Alice: London console user who flies to New York for week 3 (a plausible flight, same laptop).
  out.push(
    ...workdays({
      cred: 'AKIAALICE',
      principal: 'alice',
      days: 14,
      perDay: 25,
      places: ['londonHome', 'londonOffice'],
      client: 'chromeMac',
      interactive: true,
      ops: devOps,
    }),
  );
  out.push(
    ...workdays({
      cred: 'AKIAALICE',
      principal: 'alice',
      start: T0 + 15 * DAY,
      days: 7,
      perDay: 15,
      places: ['newYork'],
      client: 'chromeMac',
      interactive: true,
      ops: devOps,
      startHour: 14,
      endHour: 22,
    }),
  );
  out.push(
    ...workdays({
      cred: 'AKIAALICE',
      principal: 'alice',
      start: T0 + 22 * DAY,
      days: 9,
      perDay: 25,
      places: ['londonHome', 'londonOffice'],
      client: 'chromeMac',
      interactive: true,
      ops: devOps,
    }),
  );
  // Bob: gets a new Linux laptop on day 12.
  out.push(
    ...workdays({
      cred: 'AKIABOB',
      principal: 'bob',
      days: 12,
      perDay: 20,
      places: ['londonOffice', 'londonMobile'],
      client: 'chromeMac',
      interactive: true,
      ops: devOps,
    }),
  );
  out.push(
    ...workdays({
      cred: 'AKIABOB',
      principal: 'bob',
      start: T0 + 12 * DAY,
      days: 19,
      perDay: 20,
      places: ['londonOffice', 'londonMobile'],
      client: 'firefoxLinux',
      interactive: true,
      ops: devOps,
    }),
  );
  // Carol: on call, works some nights every week.
  out.push(
    ...workdays({
      cred: 'AKIACAROL',
      principal: 'carol',
      days: 31,
      perDay: 18,
      places: ['paris'],
      client: 'safariIos',
      interactive: true,
      ops: devOps,
      startHour: 8,
      endHour: 18,
    }),
  );
  for (let d = 1; d < 31; d += 3) {
    for (let i = 0; i < 8; i++)
      out.push(
        ev({
          at: T0 + d * DAY + 2 * HOUR + i * 7 * MIN,
          cred: 'AKIACAROL',
          principal: 'carol',
          place: 'paris',
          client: 'safariIos',
          interactive: true,
          op: devOps[i % devOps.length]!,
        }),
      );
  }
  // CI: Terraform in AWS, hourly plans and daily applies with IAM changes, moving between regions and ASNs.
  const tfOps = [
    'ec2:DescribeVpcs',
    'ec2:DescribeSubnets',
    'iam:GetRole',
    'iam:CreateRole',
    'iam:AttachRolePolicy',
    'iam:PutRolePolicy',
    'ec2:AuthorizeSecurityGroupIngress',
    's3:PutBucketPolicy',
  ];
  const regions = ['awsVirginia', 'awsOregon', 'awsDublin', 'awsOregon2'] as const;
  for (let d = 0; d < 31; d++) {
    for (let h = 0; h < 24; h += 2) {
      const place = regions[Math.floor(rnd() * regions.length)]!;
      const plan = h === 14 ? tfOps : tfOps.slice(0, 3);
      for (const [i, op] of plan.entries()) {
        out.push(
          ev({
            at: T0 + d * DAY + h * HOUR + i * 3000,
            cred: 'AKIACI',
            principal: 'terraform-ci',
            place,
            client: 'terraform',
            interactive: false,
            op,
          }),
        );
      }
    }
  }
  // Dave: a new employee from day 20, office network the whole company uses.
  out.push(
    ...workdays({
      cred: 'AKIADAVE',
      principal: 'dave',
      start: T0 + 20 * DAY,
      days: 11,
      perDay: 20,
      places: ['londonOffice'],
      client: 'chromeMac',
      interactive: true,
      ops: devOps,
    }),
  );
  // Eve: rotates her key on day 10 and again on day 25 (create with the old key, delete with the new one).
  out.push(
    ...workdays({ cred: 'AKIAEVE1', principal: 'eve', days: 10, perDay: 15, places: ['londonOffice'], client: 'awsCli', ops: devOps }),
  );
  for (const [day, oldKey, newKey] of [
    [10, 'AKIAEVE1', 'AKIAEVE2'],
    [25, 'AKIAEVE2', 'AKIAEVE3'],
  ] as const) {
    out.push(
      ev({
        at: T0 + day * DAY + 9 * HOUR,
        cred: oldKey,
        principal: 'eve',
        place: 'londonOffice',
        client: 'awsCli',
        op: 'iam:CreateAccessKey',
      }),
    );
    out.push(
      ev({
        at: T0 + day * DAY + 9 * HOUR + 10 * MIN,
        cred: newKey,
        principal: 'eve',
        place: 'londonOffice',
        client: 'awsCli',
        op: 'iam:DeleteAccessKey',
      }),
    );
  }
  out.push(
    ...workdays({
      cred: 'AKIAEVE2',
      principal: 'eve',
      start: T0 + 10 * DAY + 11 * HOUR,
      days: 15,
      perDay: 15,
      places: ['londonOffice'],
      client: 'awsCli',
      ops: devOps,
    }),
  );
  out.push(
    ...workdays({
      cred: 'AKIAEVE3',
      principal: 'eve',
      start: T0 + 25 * DAY + 11 * HOUR,
      days: 6,
      perDay: 15,
      places: ['londonOffice'],
      client: 'awsCli',
      ops: devOps,
    }),
  );
  // A reporting service reading objects around the clock.
  out.push(
    ...workdays({
      cred: 'AKIAREPORT',
      principal: 'reporting',
      days: 31,
      perDay: 96,
      places: ['awsVirginia'],
      client: 'boto3',
      weekends: true,
      startHour: 0,
      endHour: 24,
      ops: ['s3:GetObject', 's3:ListObjectsV2'],
      interactive: false,
    }),
  );
  // Office colleagues so that the office network is org-common.
  for (let u = 0; u < 8; u++)
    out.push(
      ...workdays({
        cred: `AKIACOL${u}`,
        principal: `colleague${u}`,
        days: 31,
        perDay: 8,
        places: ['londonOffice'],
        client: 'chromeMac',
        ops: devOps,
      }),
    );
  // Frank: the developer whose key will be stolen.
  out.push(
    ...workdays({ cred: 'AKIAFRANK', principal: 'frank', days: 31, perDay: 20, places: ['londonHome'], client: 'awsCli', ops: devOps }),
  );
  return out;
}

function attackerChain(): EnrichedEvent[] {
  const start = T0 + 26 * DAY + 23 * HOUR;
  const thief = { cred: 'AKIAFRANK', principal: 'frank', place: 'frankfurtVps', client: 'boto3' } as const;
  const out = [
    ev({ ...thief, at: start, op: 'sts:GetCallerIdentity' }),
    ev({ ...thief, at: start + 2 * MIN, op: 'iam:ListAttachedUserPolicies' }),
  ];
  // Next night: discovery across services, then collection.
  for (let i = 0; i < 12; i++)
    out.push(
      ev({
        ...thief,
        at: start + DAY + i * 20_000,
        op: ['iam:ListUsers', 'iam:ListRoles', 'secretsmanager:ListSecrets', 'rds:DescribeDBInstances'][i % 4]!,
      }),
    );
  for (let i = 0; i < 30; i++)
    out.push(
      ev({
        ...thief,
        at: start + DAY + HOUR + i * 5000,
        op: 'secretsmanager:GetSecretValue',
        resource: `arn:aws:secretsmanager:eu-west-1:1:secret:prod/${i}`,
      }),
    );
  // Damage: persistence and defense evasion.
  out.push(ev({ ...thief, at: start + 2 * DAY, op: 'iam:CreateUser', resource: 'backup-admin' }));
  out.push(ev({ ...thief, at: start + 2 * DAY + MIN, op: 'iam:CreateAccessKey', resource: 'backup-admin' }));
  out.push(ev({ ...thief, at: start + 2 * DAY + 2 * MIN, op: 'cloudtrail:StopLogging' }));
  return out;
}

describe('integration: a benign month and one stolen key', () => {
  const events = [...benignMonth(), ...attackerChain()].sort((a, b) => a.ts - b.ts);
  const engine = createDetectionEngine();
  const alerts: Alert[] = [];
  for (const e of events) alerts.push(...engine.process(e));
  alerts.push(...engine.flush());
  const paging = alerts.filter((a) => a.severity === 'high' || a.severity === 'critical');
  const damageAt = new Date(T0 + 28 * DAY + 23 * HOUR).toISOString();

  it('catches the attacker with high/critical before the first damage event', () => {
    const frank = paging.filter((a) => a.credential === 'AKIAFRANK');
    assert.ok(frank.length > 0, 'attacker paged');
    assert.ok(frank[0]!.time < damageAt, `first page at ${frank[0]!.time}, damage at ${damageAt}`);
    assert.ok(frank.some((a) => a.severity === 'critical' && (a.stage === 'persistence' || a.stage === 'defense_evasion')));
  });

  it('does not page on the traveller, the new laptop, on-call nights, CI, the new employee or key rotation', () => {
    const benign = paging.filter((a) => a.credential !== 'AKIAFRANK');
    assert.deepEqual(
      benign.map((a) => `${a.credential} ${a.rule} ${a.severity} ${a.time} ${a.summary}`),
      [],
    );
  });

  it('explains every alert and keeps state bounded', () => {
    for (const a of alerts) {
      assert.ok(a.summary.length > 0 && Object.keys(a.evidence).length > 0);
      assert.ok(a.score >= 0 && a.score <= 100);
    }
    const s = engine.stats();
    assert.equal(s.events, events.length);
    assert.ok(s.credentials <= 20);
  });
});
