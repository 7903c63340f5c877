import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, aliceHistory, byRule, DAY, type EventSpec, ev, HOUR, MIN, pages, run, T0, workdays } from '../helpers/events.js';

describe('detector: attack chain', () => {
  it('follows a low-and-slow chain over three days to critical at persistence', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const thief: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIAALICE', principal: 'alice', place: 'frankfurtVps', client: 'boto3' };
    const alerts = run(engine, [
      ev({ ...thief, at: AFTER, op: 'sts:GetCallerIdentity' }),
      ev({ ...thief, at: AFTER + DAY, op: 'iam:ListRoles' }),
      ev({ ...thief, at: AFTER + 2 * DAY, op: 'dynamodb:Scan', resource: 'arn:aws:dynamodb:eu-west-1:1:table/customers' }),
      ev({ ...thief, at: AFTER + 3 * DAY, op: 'iam:CreateLoginProfile' }),
    ]);
    const chain = byRule(alerts, 'attack_chain');
    assert.ok(chain.length >= 2, `chain alerts: ${chain.length}`);
    const last = chain[chain.length - 1]!;
    assert.equal(last.stage, 'persistence');
    assert.equal(last.severity, 'critical');
    const stages = Object.keys(last.evidence.stages_reached as Record<string, string>);
    assert.ok(stages.includes('capability_probe') && stages.includes('collection'));
    // Caught before the damage stage.
    const firstPage = pages(alerts)[0]!;
    assert.ok(firstPage.time < new Date(AFTER + 3 * DAY).toISOString());
  });

  it('a new network and a new scripted client together make the context suspicious, and stay so', () => {
    // Each novelty alone is medium; a Tor exit in the user's own country with curl-like tooling is both at once.
    // The first event must not teach the profile the thief's network and client.
    const engine = createDetectionEngine();
    // An engineer who works from the command line (a scripted client is normal for this key).
    run(
      engine,
      workdays({
        cred: 'AKIASRE',
        principal: 'sre',
        days: 30,
        perDay: 20,
        places: ['londonHome', 'londonOffice'],
        client: 'boto3',
        ops: ['s3:ListBuckets', 's3:GetObject', 'ec2:DescribeInstances', 'cloudwatch:GetMetricData'],
      }),
    );
    const thief: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIASRE', principal: 'sre', place: 'torLondon', client: 'pythonRequests' };
    const ops = [
      'sts:GetCallerIdentity',
      'iam:GetUser',
      'iam:ListAttachedUserPolicies',
      's3:ListBuckets',
      'ec2:DescribeInstances',
      'lambda:ListFunctions',
      'iam:ListUsers',
    ];
    const alerts = run(engine, [
      ...ops.map((op, i) => ev({ ...thief, at: AFTER + i * 15_000, op })),
      ev({ ...thief, at: AFTER + 4 * 60_000, op: 's3:GetObject', resource: 'arn:aws:s3:::backups/db.sql' }),
    ]);
    const chain = byRule(alerts, 'attack_chain');
    assert.ok(chain.length > 0, 'the chain advances');
    assert.ok(pages(alerts).length > 0, 'someone is paged before anything is changed');
  });

  it('counts never-used operations on a mature credential even from a familiar context', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const insider: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIAALICE', principal: 'alice', place: 'londonOffice', client: 'chromeMac' };
    const alerts = run(engine, [
      ev({ ...insider, at: AFTER, op: 'iam:ListRoles' }),
      ev({ ...insider, at: AFTER + HOUR, op: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:x:1:secret:prod' }),
      ev({ ...insider, at: AFTER + 2 * HOUR, op: 'ec2:ModifyInstanceAttribute' }),
    ]);
    const chain = byRule(alerts, 'attack_chain');
    assert.ok(chain.some((a) => a.evidence.distinct_stages === 3));
  });

  it("a vendor's polling key walked slowly by a thief in the vendor's own cloud pages; its look at the keys is no change-making habit", () => {
    // Three weeks of a monitoring integration's Describe calls from AWS, then a thief with the same SDK in the same
    // region: who am I and the key list one day, the secrets the next, one of them the day after.
    const engine = createDetectionEngine();
    const vendor: Omit<EventSpec, 'at' | 'op'> = {
      cred: 'AKIAVENDOR',
      principal: 'vendor',
      place: 'awsVirginia',
      client: 'awsCli',
      interactive: false,
    };
    run(
      engine,
      workdays({
        ...vendor,
        days: 21,
        perDay: 40,
        places: ['awsVirginia'],
        client: 'awsCli',
        weekends: true,
        ops: ['ec2:DescribeInstances', 'rds:DescribeDBInstances', 'cloudwatch:DescribeAlarms'],
      }),
    );
    const alerts = run(engine, [
      ev({ ...vendor, at: AFTER, op: 'sts:GetCallerIdentity' }),
      ev({ ...vendor, at: AFTER + 5 * MIN, op: 'iam:ListAccessKeys' }),
      ev({ ...vendor, at: AFTER + DAY, op: 'secretsmanager:ListSecrets' }),
      ev({ ...vendor, at: AFTER + 2 * DAY, op: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:x:1:secret:prod/db' }),
    ]);
    const chain = byRule(alerts, 'attack_chain');
    assert.ok(
      chain.some((a) => a.severity === 'high' || a.severity === 'critical'),
      alerts.map((a) => `${a.rule} ${a.severity} ${a.summary}`).join('\n'),
    );
  });

  it("hard negative: a person's first push and review from their own desk does not page; the same from another address in their network does", () => {
    // Blind API test #6: a developer's first push and first issue comment from home, and a support agent's first
    // review from the office, paged high as "operations never used before". A thief replaying the token from the
    // victim's town and ISP has another address.
    const desk = `198.51.${64_502 % 256}.1`;
    const judge = (ip: string) => {
      const engine = createDetectionEngine();
      run(
        engine,
        workdays({
          cred: 'ghp_DEV',
          principal: 'dev',
          days: 20,
          perDay: 20,
          places: ['londonOffice'],
          ipsPerPlace: 1,
          client: 'chromeMac',
          ops: ['GET /api/v1/repos/{id}', 'GET /api/v1/repos/{id}/pulls', 'GET /api/v1/notifications'],
        }),
      );
      const at = AFTER + 40 * DAY;
      const usual: Omit<EventSpec, 'at' | 'op'> = { cred: 'ghp_DEV', principal: 'dev', place: 'londonOffice', client: 'chromeMac', ip };
      return byRule(
        run(engine, [
          ev({ ...usual, at, op: 'GET /api/v1/user' }),
          ev({ ...usual, at: at + 10 * MIN, op: 'GET /api/v1/orgs/{id}/members' }),
          ev({ ...usual, at: at + HOUR, op: 'POST /api/v1/repos/{id}/pulls/{id}/reviews' }),
          ev({ ...usual, at: at + 2 * HOUR, op: 'POST /api/v1/repos/{id}/issues/{id}/comments' }),
        ]),
        'attack_chain',
      );
    };
    const atDesk = judge(desk);
    assert.ok(atDesk.length > 0, 'the steps still count as a chain');
    assert.deepEqual(
      pages(atDesk).map((a) => `${a.severity} ${a.summary}`),
      [],
    );
    const elsewhere = judge(`198.51.${64_502 % 256}.77`);
    assert.ok(pages(elsewhere).length > 0, elsewhere.map((a) => `${a.severity} ${a.summary}`).join('\n'));
  });

  it("hard negative: a light user's first changes from the home they work from are their own; a thief's other address pages", () => {
    // Blind test #12: a data engineer with a few dozen calls from home in two weeks (42 here) paged high for an attack chain
    // of never-used operations (a parameter written after a look around), with no novelty of place or client.
    const home = '198.51.100.7';
    const judge = (ip: string) => {
      const engine = createDetectionEngine();
      const usual: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIAKENJI', principal: 'kenji', place: 'londonOffice', client: 'awsCliMac' };
      const history: EnrichedEvent[] = [];
      for (let day = 0; day < 14; day++) {
        for (const [i, op] of ['s3:ListBuckets', 'ecs:ListServices', 'logs:FilterLogEvents'].entries())
          history.push(ev({ ...usual, ip: home, at: T0 + day * DAY + 10 * HOUR + i * MIN, op }));
      }
      run(engine, history);
      const at = T0 + 20 * DAY + 10 * HOUR;
      return byRule(
        run(engine, [
          ev({ ...usual, ip, at, op: 'sts:GetCallerIdentity' }),
          ev({ ...usual, ip, at: at + 2 * MIN, op: 'ecs:DescribeServices' }),
          ev({ ...usual, ip, at: at + 4 * MIN, op: 'ssm:PutParameter' }),
        ]),
        'attack_chain',
      );
    };
    const atHome = judge(home);
    assert.ok(atHome.length > 0, 'the steps still count as a chain');
    assert.deepEqual(
      pages(atHome).map((a) => `${a.severity} ${a.summary}`),
      [],
    );
    const elsewhere = judge('198.51.100.77');
    assert.ok(pages(elsewhere).length > 0, elsewhere.map((a) => `${a.severity} ${a.summary}`).join('\n'));
  });

  it('hard negative: an administrator looking at settings days after changing them does not chain backwards', () => {
    // An admin's month, each step new to her from her usual desk: an alert rule edited, one added, and six days later
    // a first look at the audit settings. A thief looks around before the damage; the same steps in that order chain.
    const usual: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIAALICE', principal: 'alice', place: 'londonOffice', client: 'chromeMac' };
    const judge = (ops: string[]) => {
      const engine = createDetectionEngine();
      run(engine, aliceHistory());
      const at = [AFTER, AFTER + 20 * MIN, AFTER + 6 * DAY];
      return byRule(
        run(
          engine,
          ops.map((op, i) => ev({ ...usual, at: at[i]!, op })),
        ),
        'attack_chain',
      );
    };
    const backwards = judge(['cloudwatch:DeleteAlarms', 'ec2:ModifyInstanceAttribute', 'iam:ListRoles']);
    assert.deepEqual(
      pages(backwards).map((a) => `${a.severity} ${a.summary}`),
      [],
    );
    const forwards = judge(['iam:ListRoles', 'ec2:ModifyInstanceAttribute', 'cloudwatch:DeleteAlarms']);
    assert.ok(
      pages(forwards).some((a) => a.evidence.distinct_stages === 3),
      forwards.map((a) => a.summary).join('\n'),
    );
  });

  it("hard negative: a new colleague's first week, one operation never used after another, does not chain", () => {
    // simulate --seed 302 --days 60: a developer who joined four days earlier, from the office with the CLI, reached
    // three stages of "operations never used before" and paged high. The same steps after two weeks still chain.
    const steps = (at: number, probeFirst: boolean) => {
      const usual: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIANEW', principal: 'newcomer', place: 'londonOffice', client: 'awsCli' };
      return [
        ...(probeFirst ? [ev({ ...usual, at: at - 5 * 60_000, op: 'sts:GetCallerIdentity' })] : []),
        ev({ ...usual, at, op: 'iam:ListRoles' }),
        ev({ ...usual, at: at + 20 * 60_000, op: 'lambda:GetFunction', resource: 'arn:aws:lambda:eu-west-1:1:function:billing' }),
        ev({ ...usual, at: at + 2 * HOUR, op: 'ec2:ModifyInstanceAttribute' }),
      ];
    };
    const judge = (days: number, probeFirst = false) => {
      const engine = createDetectionEngine();
      const history = [
        ...workdays({
          cred: 'AKIANEW',
          principal: 'newcomer',
          days,
          perDay: 15,
          places: ['londonOffice'],
          client: 'awsCli',
          ops: ['ec2:DescribeInstances', 's3:ListBuckets', 'logs:FilterLogEvents', 'cloudwatch:GetMetricData'],
          weekends: true,
        }),
      ];
      run(engine, history);
      const at = (history.at(-1)?.ts ?? 0) + 18 * HOUR;
      return byRule(run(engine, steps(at, probeFirst)), 'attack_chain');
    };
    assert.deepEqual(
      judge(4).map((a) => `${a.severity} ${a.summary}`),
      [],
    );
    assert.ok(judge(14).some((a) => a.evidence.distinct_stages === 3));
    // A thief behind a residential proxy in the victim's own network, with the victim's browser string, on a key
    // with six days of history (simulate --seed 7): asking "who am I" first is what a colleague's first week lacks.
    const probed = judge(4, true);
    assert.ok(
      probed.some((a) => a.evidence.distinct_stages === 4 && a.severity === 'high'),
      probed.map((a) => `${a.severity} ${a.summary}`).join('\n'),
    );
  });

  it('hard negative: everyday discovery, reads and changes from the usual context never chain', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const usual: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIAALICE', principal: 'alice', place: 'londonOffice', client: 'chromeMac' };
    const alerts = run(engine, [
      ev({ ...usual, at: AFTER, op: 'ec2:DescribeInstances' }),
      ev({ ...usual, at: AFTER + HOUR, op: 's3:GetObject', resource: 'arn:aws:s3:::team-bucket/a' }),
      ev({ ...usual, at: AFTER + 2 * HOUR, op: 's3:ListBuckets' }),
    ]);
    assert.equal(byRule(alerts, 'attack_chain').length, 0);
  });
});
