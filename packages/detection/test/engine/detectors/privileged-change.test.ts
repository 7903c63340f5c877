import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, DAY, ESCALATION_OPS, ev, HOUR, MIN, pages, run, T0, workdays } from '../helpers/events.js';

describe('detector: privileged change without a user action', () => {
  it('pages on StopLogging by a credential that never changed audit settings', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac', op: 'cloudtrail:StopLogging' }),
    ]);
    const [a] = byRule(alerts, 'privileged_change');
    assert.ok(a);
    assert.equal(a.stage, 'defense_evasion');
    assert.ok(a.severity === 'high' || a.severity === 'critical');
  });

  it('logging switched off after a user was made is its own alert, even at the same severity; a second switch-off is not', () => {
    // A key no baseline vouches for: every change scores medium, and the dedupe window (60 min) would fold
    // the trail's stop into the user's alert.
    const key = { cred: 'AKIANEW', principal: 'new-hire', place: 'londonOffice', client: 'awsCliMac' } as const;
    const alerts = run(createDetectionEngine(), [
      ev({ ...key, at: AFTER, op: 'iam:AttachUserPolicy' }),
      ev({ ...key, at: AFTER + 5 * MIN, op: 'iam:CreateUser' }),
      ev({ ...key, at: AFTER + 10 * MIN, op: 'cloudtrail:StopLogging' }),
      ev({ ...key, at: AFTER + 15 * MIN, op: 'config:StopConfigurationRecorder' }),
    ]);
    const changes = byRule(alerts, 'privileged_change');
    assert.deepEqual(
      changes.map((a) => [a.evidence.operation, a.severity]),
      [
        ['iam:AttachUserPolicy', 'medium'],
        ['cloudtrail:StopLogging', 'medium'],
      ],
    );
  });

  it('an on-call engineer muting the same alert rule from home, night after night, is paged the first time only', () => {
    // The first change's own alert makes the credential risky, which keeps the event out of the baseline; without
    // learning a change made from the familiar desk, the same mute paged every night.
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const mute = (night: number) =>
      ev({
        at: AFTER + night * DAY + 14 * HOUR,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonHome',
        client: 'chromeMac',
        method: 'PATCH',
        path: `/v1/alerts/rules/rule_${['rz2t44', 'q81mzx', 'b7k2pd', 'x9w3ne'][night % 4]}`,
      });
    const paged = [0, 1, 2, 3].map((night) => pages(byRule(run(engine, [mute(night)]), 'privileged_change')).length);
    assert.deepEqual(paged, [1, 0, 0, 0]);
  });

  it('the same change from a new network is still paged, whatever the desk taught', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const mute = (at: number, place: 'londonHome' | 'frankfurtVps') =>
      ev({ at, cred: 'AKIAALICE', principal: 'alice', place, client: 'chromeMac', method: 'PATCH', path: '/v1/alerts/rules/rule_rz2t44' });
    run(engine, [mute(AFTER, 'londonHome'), mute(AFTER + DAY, 'londonHome'), mute(AFTER + 2 * DAY, 'londonHome')]);
    assert.equal(pages(byRule(run(engine, [mute(AFTER + 3 * DAY, 'frankfurtVps')]), 'privileged_change')).length, 1);
  });

  it('scores CreateUser higher when scripted on an interactive credential from a new place', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const familiar = run(engine, [
      ev({
        at: AFTER,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonOffice',
        client: 'chromeMac',
        interactive: true,
        op: 'iam:CreateUser',
      }),
    ]);
    const engine2 = createDetectionEngine();
    run(engine2, aliceHistory());
    const hostile = run(engine2, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'singaporeVps', client: 'pythonRequests', op: 'iam:CreateUser' }),
    ]);
    const f = byRule(familiar, 'privileged_change')[0];
    const h = byRule(hostile, 'privileged_change')[0];
    assert.ok(f && h);
    assert.equal(f.severity, 'medium');
    assert.ok(h.score > f.score);
    assert.ok(h.severity === 'high' || h.severity === 'critical');
  });

  // Alice creates a user with a console password, adds it to a group and gives it a key, from `place`.
  const onboarding = (place: 'londonOffice' | 'paris') => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const ops = ['iam:CreateUser', 'iam:CreateLoginProfile', 'iam:AddUserToGroup', 'iam:CreateAccessKey'];
    const at = (i: number) => AFTER + i * 2 * MIN;
    return run(
      engine,
      ops.map((op, i) => ev({ at: at(i), cred: 'AKIAALICE', principal: 'alice', place, client: 'chromeMac', op, resource: 'new.user' })),
    );
  };

  it('hard negative: an administrator onboarding a colleague from their desk (user, password, group, key)', () => {
    const alerts = onboarding('londonOffice');
    assert.equal(pages(alerts).length, 0, alerts.map((a) => `${a.rule} ${a.score} ${a.summary}`).join('\n'));
    assert.ok(byRule(alerts, 'privileged_change').every((a) => a.evidence.unaccustomed_changes_in_window === undefined));
  });

  it('the same run of changes from a new network is a burst and pages', () => {
    const alerts = onboarding('paris');
    const last = byRule(alerts, 'privileged_change').at(-1);
    assert.ok(last);
    assert.ok((last.evidence.unaccustomed_changes_in_window as number) >= 3);
    assert.ok(pages(alerts).length > 0);
  });

  it('a home ISP much of the company lives on is still new for the admin who never used it: the same run pages from it', () => {
    // A dozen colleagues work from their homes on one London fibre ISP: common in the organisation, never Alice's.
    const neighbours = Array.from({ length: 12 }, (_, i) => [
      ...workdays({
        cred: `AKIANEIGHBOUR${i}`,
        principal: `neighbour${i}`,
        days: 30,
        perDay: 6,
        places: ['londonFibre'],
        client: 'chromeMac',
      }),
    ]).flat();
    const fromIsp = (place: 'londonFibre' | 'londonHome') => {
      const engine = createDetectionEngine();
      run(
        engine,
        [...aliceHistory(), ...neighbours].sort((a, b) => a.ts - b.ts),
      );
      const ops = ['iam:CreateUser', 'iam:CreateLoginProfile', 'iam:AddUserToGroup', 'iam:CreateAccessKey'];
      return run(
        engine,
        ops.map((op, i) =>
          ev({ at: AFTER + i * 2 * MIN, cred: 'AKIAALICE', principal: 'alice', place, client: 'chromeMac', op, resource: 'new.user' }),
        ),
      );
    };
    const proxied = fromIsp('londonFibre');
    assert.ok(pages(proxied).length > 0, proxied.map((a) => `${a.rule} ${a.score} ${a.summary}`).join('\n'));
    assert.equal(pages(fromIsp('londonHome')).length, 0, 'her own home line');
  });

  it('a young credential is no change-making automation: its first changes minutes ago may be the attacker', () => {
    const engine = createDetectionEngine();
    const ops = ['ec2:DescribeInstances', 's3:ListBuckets'];
    run(
      engine,
      Array.from({ length: 12 }, (_, i) =>
        ev({ at: T0 + i * HOUR, cred: 'AKIAYOUNG', principal: 'svc', place: 'awsVirginia', client: 'awsCli', op: ops[i % 2] as string }),
      ),
    );
    const alerts = run(engine, [
      ev({ at: T0 + 13 * HOUR, cred: 'AKIAYOUNG', principal: 'svc', place: 'awsVirginia', client: 'awsCli', op: 'iam:CreateUser' }),
      ev({
        at: T0 + 13 * HOUR + MIN,
        cred: 'AKIAYOUNG',
        principal: 'svc',
        place: 'awsVirginia',
        client: 'awsCli',
        op: 'iam:AttachUserPolicy',
      }),
    ]);
    const grant = byRule(alerts, 'privileged_change').find((a) => a.evidence.operation === 'iam:AttachUserPolicy');
    assert.ok(grant);
    assert.equal(grant.evidence.change_maker, false);
  });

  it('an attacker on the victim host itself (same address, same CLI) settling in still pages within minutes', () => {
    const engine = createDetectionEngine();
    const reads = ['ec2:DescribeInstances', 's3:ListBuckets', 'logs:DescribeLogGroups'];
    run(
      engine,
      Array.from({ length: 300 }, (_, i) =>
        ev({
          at: T0 + i * 48 * MIN,
          cred: 'AKIAHOST',
          principal: 'ops-bot',
          place: 'awsVirginia',
          ip: '10.0.1.50',
          client: 'awsCli',
          op: reads[i % 3] as string,
        }),
      ),
    );
    const steps = [...ESCALATION_OPS, 'secretsmanager:ListSecrets', 'secretsmanager:GetSecretValue'];
    const start = T0 + 300 * 48 * MIN;
    const alerts = run(
      engine,
      steps.map((op, i) =>
        ev({
          at: start + i * 2 * MIN,
          cred: 'AKIAHOST',
          principal: 'ops-bot',
          place: 'awsVirginia',
          ip: '10.0.1.50',
          client: 'awsCli',
          op,
        }),
      ),
    );
    // Its own change two minutes earlier makes no change-making habit.
    assert.ok(
      byRule(alerts, 'privileged_change').every((a) => a.evidence.change_maker === false || a.evidence.privilege !== 'persistence'),
    );
    assert.ok(pages(alerts).length > 0, alerts.map((a) => `${a.rule} ${a.severity} ${a.summary}`).join('\n'));
  });

  it('hard negative: Terraform applies by a CI credential that always makes these changes', () => {
    const engine = createDetectionEngine();
    const ops = [
      'iam:CreateRole',
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:DescribeInstances',
    ];
    const apply = (start: number) =>
      ops.map((op, i) =>
        ev({
          cred: 'AKIATF',
          principal: 'terraform-ci',
          place: 'awsVirginia',
          client: 'terraform',
          interactive: false,
          at: start + i * 2000,
          op,
        }),
      );
    const history = [];
    for (let d = 0; d < 14; d++) history.push(...apply(T0 + d * DAY + 14 * HOUR));
    run(engine, history);
    const alerts = run(engine, apply(T0 + 15 * DAY + 14 * HOUR));
    assert.equal(byRule(alerts, 'privileged_change').length, 0);
    assert.deepEqual(pages(alerts), []);
  });

  it('hard negative: a Terraform apply that makes changes this CI credential never made, from its usual runner', () => {
    // Two weeks of daily plans (reads) and one earlier apply, then an apply whose code changed: every change is new.
    const tf = (at: number, op: string, place: 'awsVirginia' | 'frankfurtVps' = 'awsVirginia') =>
      ev({ cred: 'AKIATF2', principal: 'terraform-ci-2', place, client: 'terraform', interactive: false, at, op });
    const history = [];
    for (let d = 0; d < 14; d++) {
      for (const [i, op] of ['ec2:DescribeInstances', 'iam:GetRole', 's3:GetBucketPolicy'].entries())
        history.push(tf(T0 + d * DAY + 14 * HOUR + i * 1000, op));
    }
    history.push(tf(T0 + 7 * DAY + 15 * HOUR, 'iam:CreateRole'));
    const engine = createDetectionEngine();
    run(engine, history);
    const newChanges = ['iam:PutRolePolicy', 'ec2:AuthorizeSecurityGroupIngress', 's3:PutBucketPolicy', 'cloudwatch:DeleteAlarms'];
    const alerts = run(
      engine,
      newChanges.map((op, i) => tf(T0 + 15 * DAY + 14 * HOUR + i * 2000, op)),
    );
    assert.deepEqual(pages(alerts), []);
    const [first] = byRule(alerts, 'privileged_change');
    assert.equal(first?.evidence.change_maker, true);

    // The same changes from a hosting network the credential never used still page.
    const engine2 = createDetectionEngine();
    run(engine2, history);
    const stolen = run(
      engine2,
      newChanges.map((op, i) => tf(T0 + 15 * DAY + 14 * HOUR + i * 2000, op, 'frankfurtVps')),
    );
    assert.ok(pages(stolen).some((a) => a.rule === 'privileged_change'));
  });

  it('hard negative: the first apply of a CI credential that only ever planned, from its usual runner', () => {
    // simulate --seed 302 --days 60: days of plans, then a bucket policy and, ten seconds later, alarms deleted.
    // The policy's alert kept it out of the baseline, so the second change found no earlier one and paged high.
    const tf = (at: number, op: string, place: 'awsVirginia' | 'frankfurtVps' = 'awsVirginia') =>
      ev({ cred: 'AKIATF3', principal: 'terraform-ci-3', place, client: 'terraform', interactive: false, at, op });
    const history: ReturnType<typeof tf>[] = [];
    for (let d = 0; d < 4; d++) {
      for (let h = 0; h < 4; h++)
        for (const [i, op] of ['ec2:DescribeInstances', 'iam:GetRole', 's3:GetBucketPolicy'].entries())
          history.push(tf(T0 + d * DAY + (8 + 3 * h) * HOUR + i * 1000, op));
    }
    const firstApply = ['s3:PutBucketPolicy', 'cloudwatch:DeleteAlarms', 'cloudwatch:DeleteAlarms'];
    const judge = (place: 'awsVirginia' | 'frankfurtVps') => {
      const engine = createDetectionEngine();
      run(engine, history);
      return run(
        engine,
        firstApply.map((op, i) => tf(T0 + 4 * DAY + 14 * HOUR + i * 10_000, op, place)),
      );
    };
    const alerts = judge('awsVirginia');
    assert.deepEqual(
      pages(alerts).map((a) => `${a.rule} ${a.severity} ${a.summary}`),
      [],
    );
    assert.ok(byRule(alerts, 'privileged_change').every((a) => a.evidence.change_maker === true));
    // From a hosting network the credential never used, the same first apply pages.
    assert.ok(pages(judge('frankfurtVps')).length > 0);
  });

  it('hard negative: a user rotating their own key, as they habitually do', () => {
    const engine = createDetectionEngine();
    const history = [...aliceHistory()];
    for (let m = 0; m < 3; m++) {
      const at = T0 + (m * 10 + 1) * DAY + 11 * HOUR;
      history.push(
        ev({ at, cred: 'AKIAALICE', principal: 'alice', place: 'londonOffice', client: 'chromeMac', op: 'iam:CreateAccessKey' }),
      );
      history.push(
        ev({
          at: at + 5 * MIN,
          cred: 'AKIAALICE',
          principal: 'alice',
          place: 'londonOffice',
          client: 'chromeMac',
          op: 'iam:DeleteAccessKey',
        }),
      );
    }
    history.sort((a, b) => a.ts - b.ts);
    run(engine, history);
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonOffice', client: 'chromeMac', op: 'iam:CreateAccessKey' }),
      ev({
        at: AFTER + 5 * MIN,
        cred: 'AKIAALICE2',
        principal: 'alice',
        place: 'londonOffice',
        client: 'chromeMac',
        op: 'iam:DeleteAccessKey',
      }),
    ]);
    assert.equal(byRule(alerts, 'privileged_change').length, 0);
    assert.deepEqual(pages(alerts), []);
  });

  it('hard negative: a first-ever key rotation from the usual desk is low', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonOffice', client: 'chromeMac', op: 'iam:CreateAccessKey' }),
    ]);
    assert.deepEqual(pages(alerts), []);
  });
});

describe('privileged change: a person repeating a change across sessions', () => {
  it("hard negative: a helpdesk agent's second factor reset, in a new Okta session, is not a second page", () => {
    // Each Okta sign-in is a new session (a new credential): only the person remembers the earlier reset.
    const engine = createDetectionEngine();
    const session = (d: number) =>
      ({ cred: `idx_marcus_${d}`, principal: 'marcus@example.com', place: 'londonOffice', client: 'chromeMac', source: 'okta' }) as const;
    const days = [];
    for (let d = 0; d < 14; d++)
      for (let i = 0; i < 8; i++)
        days.push(ev({ ...session(d), at: T0 + d * DAY + 9 * HOUR + i * 30 * MIN, op: 'okta:user.authentication.sso' }));
    run(engine, days);
    const reset = (d: number, user: string) => {
      const e = ev({ ...session(d), at: T0 + d * DAY + 11 * HOUR, op: 'okta:user.mfa.factor.reset_all', resource: `User:${user}` });
      return [ev({ ...session(d), at: T0 + d * DAY + 10 * HOUR, op: 'okta:user.authentication.sso' }), e];
    };
    const first = byRule(run(engine, reset(14, 'grace@example.com')), 'privileged_change');
    assert.equal(first.length, 1, 'the first reset is reported');
    const second = byRule(run(engine, reset(17, 'amy@example.com')), 'privileged_change');
    assert.ok(second.length <= 1);
    assert.deepEqual(pages(second), [], JSON.stringify(second.map((a) => [a.severity, a.summary])));
  });
});
