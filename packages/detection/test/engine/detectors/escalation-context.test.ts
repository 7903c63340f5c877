import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, byRule, type ClientName, DAY, ev, MIN, type PlaceName, pages, run, workdays } from '../helpers/events.js';

const BOB = 'arn:aws:iam::123456789012:user/bob';

/** Bob: 30 days of aws-cli work from home and office (never the console, so no interactive share). */
function bobHistory(client: ClientName = 'awsCli') {
  return [
    ...workdays({
      cred: 'AKIABOB',
      principal: BOB,
      days: 30,
      perDay: 20,
      places: ['londonHome', 'londonOffice'],
      client,
      ops: ['s3:ListBuckets', 's3:GetObject', 'ec2:DescribeInstances', 'logs:FilterLogEvents'],
    }),
  ];
}

/** One of Bob's writes, with the request parameters CloudTrail logged. */
function write(
  at: number,
  op: string,
  params: Record<string, unknown> | undefined,
  place: PlaceName = 'londonHome',
  client: ClientName = 'awsCli',
): EnrichedEvent {
  const e = ev({ at, cred: 'AKIABOB', principal: BOB, place, client, op });
  if (params !== undefined) e.attributes = { requestParameters: params };
  return e;
}

/** A Terraform CI credential: 30 days of plans (reads only) around the clock from one cloud runner. */
function terraformPlans(cred: string): EnrichedEvent[] {
  return [
    ...workdays({
      cred,
      principal: 'arn:aws:iam::123456789012:user/terraform',
      days: 30,
      perDay: 20,
      places: ['awsVirginia'],
      client: 'terraform',
      weekends: true,
      startHour: 0,
      endHour: 24,
      ops: ['iam:GetRole', 'ec2:DescribeVpcs', 's3:GetBucketPolicy', 'sts:GetCallerIdentity'],
    }),
  ];
}

function change(alerts: Alert[]): Alert | undefined {
  return byRule(alerts, 'privileged_change')[0];
}

describe('privileged change: whose keys, how much access', () => {
  it('an administrator policy attached to another user pages even from the usual desk and CLI', () => {
    const engine = createDetectionEngine();
    run(engine, bobHistory());
    const a = change(
      run(engine, [
        write(AFTER, 'iam:AttachUserPolicy', { userName: 'svc-backup', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      ]),
    );
    assert.ok(a);
    assert.equal(a.evidence.admin_grant, true);
    assert.ok(a.severity === 'high' || a.severity === 'critical', a.severity);
    assert.match(a.summary, /administrator access/);
  });

  it('an inline policy allowing every action counts as administrator access', () => {
    const engine = createDetectionEngine();
    run(engine, bobHistory());
    const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action": "*","Resource":"*"}]}';
    const a = change(run(engine, [write(AFTER, 'iam:PutUserPolicy', { userName: 'svc-backup', policyName: 'x', policyDocument: doc })]));
    assert.equal(a?.evidence.admin_grant, true);
  });

  it('hard negative: a read-only policy from the usual desk is worth a look, not a page', () => {
    const engine = createDetectionEngine();
    run(engine, bobHistory());
    const alerts = run(engine, [
      write(AFTER, 'iam:AttachUserPolicy', { userName: 'svc-backup', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    ]);
    assert.equal(change(alerts)?.evidence.admin_grant, undefined);
    assert.deepEqual(pages(alerts), []);
  });

  it('a key created for another user is not key rotation; one created for oneself is', () => {
    const engine = createDetectionEngine();
    run(engine, bobHistory());
    const other = change(run(engine, [write(AFTER, 'iam:CreateAccessKey', { userName: 'svc-backup' })]));
    assert.ok(other);
    assert.equal(other.evidence.other_user, true);
    assert.ok(other.score >= 50, `score ${other.score}`);

    const engine2 = createDetectionEngine();
    run(engine2, bobHistory());
    for (const params of [undefined, { userName: 'bob' }]) {
      const own = change(run(engine2, [write(AFTER + (params ? 2 : 0) * 60 * MIN, 'iam:CreateAccessKey', params)]));
      if (own !== undefined) {
        assert.equal(own.evidence.other_user, undefined);
        assert.equal(own.severity, 'low', 'rotating one own key');
      }
    }
  });

  it("a person's CLI key making a second change in a row is not infrastructure as code; Terraform's first apply is", () => {
    const person = createDetectionEngine();
    run(person, bobHistory());
    const alerts = run(person, [
      write(AFTER, 'iam:CreateLoginProfile', { userName: 'svc-backup' }),
      write(AFTER + MIN, 'iam:AttachUserPolicy', { userName: 'svc-backup', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    ]);
    // Capped as automation's next apply it would be deduplicated under the first change's medium alert.
    const grant = byRule(alerts, 'privileged_change').find((a) => a.evidence.operation === 'iam:AttachUserPolicy');
    assert.equal(grant?.evidence.change_maker, false);
    assert.equal(grant?.severity, 'high');

    const tf = createDetectionEngine();
    run(tf, terraformPlans('AKIATF'));
    const apply = run(
      tf,
      ['iam:PutRolePolicy', 'iam:AttachRolePolicy'].map((op, i) =>
        ev({
          at: AFTER + i * MIN,
          cred: 'AKIATF',
          principal: 'arn:aws:iam::123456789012:user/terraform',
          place: 'awsVirginia',
          client: 'terraform',
          op,
        }),
      ),
    );
    const second = byRule(apply, 'privileged_change').find((a) => a.evidence.operation === 'iam:AttachRolePolicy');
    if (second !== undefined) assert.equal(second.evidence.change_maker, true);
    assert.deepEqual(pages(apply), []);
  });
});

describe('new place: from people networks to a server', () => {
  it('a key that only called from home and office, now on a hosting network in the same country, is as new as a new country', () => {
    const engine = createDetectionEngine();
    run(engine, bobHistory());
    const [a] = byRule(
      run(engine, [ev({ at: AFTER, cred: 'AKIABOB', principal: BOB, place: 'londonVps', client: 'awsCli', op: 's3:ListBuckets' })]),
      'new_place',
    );
    assert.ok(a);
    assert.equal(a.evidence.new, 'asn');
    assert.equal(a.evidence.left_people_networks, true);
    assert.ok(a.score >= 45, `score ${a.score}`);
    assert.equal(a.severity, 'medium', 'still novelty alone');
  });

  it('hard negative: AWS CloudShell calls from AWS addresses with the same key', () => {
    const engine = createDetectionEngine();
    run(engine, bobHistory());
    const e = ev({ at: AFTER, cred: 'AKIABOB', principal: BOB, place: 'londonVps', client: 'awsCli', op: 's3:ListBuckets' });
    e.user_agent = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exec-env/CloudShell exe/x86_64.amzn.2023';
    const [a] = byRule(run(engine, [e]), 'new_place');
    assert.notEqual(a?.evidence.left_people_networks, true);
    assert.ok((a?.score ?? 0) < 45);
  });

  it('hard negative: a credential already working from servers moving to another provider', () => {
    const engine = createDetectionEngine();
    run(engine, [
      ...workdays({
        cred: 'AKIACI',
        principal: 'ci',
        days: 30,
        perDay: 20,
        places: ['awsVirginia'],
        client: 'awsCli',
        ops: ['ecr:GetAuthorizationToken'],
      }),
    ]);
    const [a] = byRule(
      run(engine, [
        ev({ at: AFTER, cred: 'AKIACI', principal: 'ci', place: 'londonVps', client: 'awsCli', op: 'ecr:GetAuthorizationToken' }),
      ]),
      'new_place',
    );
    assert.notEqual(a?.evidence.left_people_networks, true);
  });
});

describe('a person at a laptop is not change-making automation', () => {
  /** A low-and-slow settling-in from the victim's own laptop and network, a day per step. */
  function settleIn(client: ClientName): Alert[] {
    const engine = createDetectionEngine();
    run(engine, bobHistory(client));
    return run(engine, [
      write(AFTER, 'iam:ListUsers', undefined, 'londonHome', client),
      write(AFTER + DAY, 'iam:CreateAccessKey', { userName: 'svc-backup' }, 'londonHome', client),
      write(AFTER + 2 * DAY, 'cloudtrail:StopLogging', { name: 'management-events' }, 'londonHome', client),
    ]);
  }

  it("aws-cli on a Mac: another user's key and then StopLogging a day later chain and page", () => {
    const alerts = settleIn('awsCliMac');
    const chain = byRule(alerts, 'attack_chain');
    assert.ok(
      chain.some((a) => a.stage === 'persistence'),
      "a key for another user is chain progress, unlike one's own",
    );
    const stop = byRule(alerts, 'privileged_change').find((a) => a.evidence.operation === 'cloudtrail:StopLogging');
    assert.equal(stop?.evidence.change_maker, false);
    assert.ok(pages(alerts).length > 0);
  });

  it('StopLogging after a change weeks ago: automation on a Linux runner, a person on a Mac', () => {
    const verdict = (client: ClientName) => {
      const engine = createDetectionEngine();
      const history = bobHistory(client);
      // One security-group change on day 10, learned into the baseline like any other.
      const at = history[200]!.ts + 1;
      history.splice(201, 0, write(at, 'ec2:AuthorizeSecurityGroupIngress', { groupId: 'sg-1' }, 'londonHome', client));
      run(engine, history);
      const alerts = run(engine, [write(AFTER, 'cloudtrail:StopLogging', { name: 'management-events' }, 'londonHome', client)]);
      return byRule(alerts, 'privileged_change')[0];
    };
    const pipeline = verdict('awsCli');
    const person = verdict('awsCliMac');
    assert.equal(pipeline?.evidence.change_maker, true);
    assert.equal(person?.evidence.change_maker, false);
    assert.equal(person?.severity, 'high');
  });
});

describe('change-making automation: the next session', () => {
  it("hard negative: Terraform's apply the next afternoon (18 h after its first) with changes it never made", () => {
    const engine = createDetectionEngine();
    const tf = { cred: 'AKIATF2', principal: 'arn:aws:iam::123456789012:user/terraform' } as const;
    run(engine, terraformPlans(tf.cred));
    const apply = (at: number, ops: string[]) =>
      run(
        engine,
        ops.map((op, i) => ev({ at: at + i * MIN, ...tf, place: 'awsVirginia', client: 'terraform', op })),
      );
    const first = apply(AFTER + 10 * 60 * MIN, ['iam:CreateRole', 'iam:PutRolePolicy']);
    const next = apply(AFTER + 28 * 60 * MIN, ['iam:CreateUser', 'iam:AttachRolePolicy', 'cloudwatch:DeleteAlarms']);
    assert.deepEqual(pages([...first, ...next]), []);
    assert.deepEqual(byRule(next, 'attack_chain'), [], 'the next apply is not attacker progress');
    for (const a of byRule(next, 'privileged_change')) assert.equal(a.evidence.change_maker, true, a.summary);
  });
});
