import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, DAY, type EventSpec, ev, HOUR, pages, run } from '../helpers/events.js';

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
