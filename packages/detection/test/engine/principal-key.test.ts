import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../src/engine/index.js';
import { principalKey } from '../../src/engine/principal-key.js';
import type { EnrichedEvent } from '../../src/enriched-event.js';
import { byRule, type ClientName, DAY, ev, HOUR, MIN, type PlaceName, pages, run, T0 } from './helpers/events.js';

const ROLE = 'arn:aws:sts::111122223333:assumed-role/terraform-atlantis';

describe('principal key: generated role-session names are one principal', () => {
  it('folds session names a tool makes per run, keeps people, instances and everything else', () => {
    for (const session of ['atlantis-2c34125e', 'botocore-session-1699999999', '1700000000000', 'AWSCodeBuild-4f1c2a9e7b']) {
      assert.equal(principalKey(`${ROLE}/${session}`), `${ROLE}/*`, session);
    }
    for (const name of [
      `${ROLE}/alice@example.com`,
      `${ROLE}/i-0abc123def4567890`,
      `${ROLE}/GitHubActions`,
      `${ROLE}/deploy-prod`,
      'arn:aws:iam::111122223333:user/alice',
      'alice@example.com',
      ROLE,
    ]) {
      assert.equal(principalKey(name), name, name);
    }
    assert.equal(principalKey(undefined), undefined);
  });

  it('an IAM Identity Center session is the person its name is, in any account and permission set', () => {
    const sso = (account: string, set: string, user: string) => `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_${set}/${user}`;
    assert.equal(
      principalKey(sso('111122223333', 'PowerUserAccess_4f4df28a4298c89a', 'Richard.Thomas@example.com')),
      'aws-sso:richard.thomas@example.com',
    );
    assert.equal(principalKey(sso('444455556666', 'ReadOnly_0b1c', 'richard.thomas@example.com')), 'aws-sso:richard.thomas@example.com');
    // Any other role's session name is whatever its caller chose, and an SSO session not named by an e-mail is kept.
    for (const name of [`${ROLE}/richard.thomas@example.com`, sso('111122223333', 'Admin_4f4d', 'rthomas'), sso('1', 'Admin_4f4d', '@')]) {
      assert.equal(principalKey(name), name, name);
    }
  });

  it('hard negative: an engineer uses, through his VPN, in one AWS account the CLI he has used from there in others', () => {
    // Seen in a blind test: each account's (and permission set's) role ARN kept its own baseline. He had used account A
    // only in the console from home, then the CLI from home in C, then the CLI through the company VPN in B and C for
    // weeks; his first CLI session in A through the VPN paged new client, new country and an attack chain.
    const person = 'richard.thomas@example.com';
    const arn = (account: string) => `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_PowerUserAccess_4f4df28a4298c89a/${person}`;
    const ops = ['s3:ListBuckets', 's3:GetObject', 'logs:FilterLogEvents', 'sts:GetCallerIdentity', 'lambda:GetFunction', 's3:PutObject'];
    const events: EnrichedEvent[] = [];
    const session = (day: number, account: string, place: PlaceName, client: ClientName, interactive: boolean, hour = 9) => {
      const cred = `ASIA${account.slice(0, 4)}${String(day).padStart(4, '0')}`;
      for (let i = 0; i < 12; i++) {
        const at = T0 + day * DAY + hour * HOUR + i * 5 * MIN;
        events.push(ev({ at, cred, principal: arn(account), place, client, interactive, op: ops[i % ops.length] }));
      }
      return cred;
    };
    for (let day = 0; day < 21; day++) {
      if (day % 7 < 2) session(day, '111122223333', 'londonHome', 'chromeMac', true);
      if (day === 2) session(day, '777788889999', 'londonHome', 'awsCliMac', false, 14);
      if (day >= 3) session(day, day % 2 === 0 ? '444455556666' : '777788889999', 'frankfurtVps', 'awsCliMac', false, 14);
    }
    session(22, '111122223333', 'frankfurtVps', 'awsCliMac', false);
    const alerts = run(createDetectionEngine(), events);
    assert.deepEqual(
      pages(alerts).map((a) => `${a.credential} ${a.rule} ${a.summary}`),
      [],
    );
  });

  it('hard negative: Terraform under Atlantis, new keys and a new session name every run, granting what it always grants', () => {
    // Each run is a new credential: kept apart by session name, every run was a stranger whose routine grant was
    // "never made before" (22 pages in a month of one blind test).
    const runs: EnrichedEvent[] = [];
    for (let day = 0; day < 21; day++) {
      const cred = `ASIARUN${String(day).padStart(4, '0')}`;
      const principal = `${ROLE}/atlantis-${(0x2c34125e + day * 7919).toString(16)}`;
      const at = T0 + day * DAY + 15 * HOUR;
      const step = (i: number, op: string) => ev({ at: at + i * MIN, cred, principal, place: 'awsVirginia', client: 'terraform', op });
      runs.push(
        step(0, 'sts:GetCallerIdentity'),
        step(1, 'iam:GetRole'),
        step(2, 'ec2:DescribeInstances'),
        step(3, day % 2 === 0 ? 'iam:PutRolePolicy' : 'iam:AttachRolePolicy'),
      );
    }
    const alerts = run(createDetectionEngine(), runs);
    const lastWeek = alerts.filter((a) => Date.parse(a.time) >= T0 + 14 * DAY);
    assert.deepEqual(
      pages(lastWeek).map((a) => `${a.time} ${a.rule} ${a.summary}`),
      [],
    );
    assert.equal(byRule(lastWeek, 'privileged_change').length, 0, 'the role grants as it always did');
    assert.ok(
      alerts.every((a) => a.principal?.startsWith(`${ROLE}/atlantis-`)),
      'alerts name the session as logged',
    );
  });

  it("hard negative: a run applying code that creates a user and key and deletes a legacy alarm, never done before, is the role's work", () => {
    // Blind test #12: each run is a one-session key that is never learned, so the apply's new kinds of change read
    // as an attack chain of never-used operations up to defense evasion (high), while its role has two weeks of
    // applies from the same runner and client.
    const runs: EnrichedEvent[] = [];
    const runOf = (day: number, ops: readonly string[]) => {
      const cred = `ASIARUN${String(day).padStart(4, '0')}`;
      const principal = `${ROLE}/terraform-${5950708054 + day}`;
      const at = T0 + day * DAY + 15 * HOUR;
      for (const [i, op] of ops.entries())
        runs.push(ev({ at: at + i * 6_000, cred, principal, place: 'awsVirginia', client: 'terraform', op }));
    };
    for (let day = 0; day < 14; day++)
      runOf(day, ['sts:GetCallerIdentity', 'iam:GetRole', 'ec2:DescribeInstances', 'iam:AttachRolePolicy']);
    runOf(14, [
      'iam:AttachRolePolicy',
      'iam:CreateUser',
      'iam:CreateAccessKey',
      'iam:PutUserPolicy',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
    ]);
    const alerts = run(createDetectionEngine(), runs);
    assert.deepEqual(
      pages(alerts.filter((a) => Date.parse(a.time) >= T0 + 14 * DAY)).map((a) => `${a.time} ${a.rule} ${a.summary}`),
      [],
    );
  });
});
