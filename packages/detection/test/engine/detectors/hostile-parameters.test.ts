import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, type EventSpec, ev, MIN, run } from '../helpers/events.js';

// A never-seen key on a rented server: the context in which the detectors that read a call's parameters act.
const leaked: Omit<EventSpec, 'at' | 'op'> = {
  cred: 'AKIAHOSTILE',
  principal: 'arn:aws:iam::418295730164:user/ci-legacy',
  place: 'frankfurtVps',
  client: 'boto3',
};

/** Every call whose requestParameters a detector added this session reads (harvest, grants, escalation, log expiry). */
const READERS = [
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:ModifySnapshotAttribute',
  'ec2:ModifyImageAttribute',
  'rds:ModifyDBSnapshotAttribute',
  's3:PutBucketPolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:CreateRole',
  'lambda:AddPermission',
  'lambda:AddLayerVersionPermission',
  's3:PutBucketLifecycle',
  's3:PutBucketLifecycleConfiguration',
  's3:PutObject',
  'ssm:GetParameters',
  'secretsmanager:BatchGetSecretValue',
  'iam:CreateLoginProfile',
];

/** What a log or a hostile producer may put where a structure is expected. */
const HOSTILE: unknown[] = [
  null,
  'text',
  '{not json',
  `{${'"a":'.repeat(10)}`,
  '{"Statement":"*"}',
  42,
  [],
  [null, 5, 'x', [[]]],
  { ipPermissions: 'all', items: 7 },
  { ipPermissions: { items: [null, { ipRanges: { items: 'everyone' }, fromPort: 'x' }] } },
  { policy: { Statement: [{ Principal: { AWS: [null, 7, { deep: true }] } }] }, policyDocument: '{"Statement":[{"Principal":7}]}' },
  { createVolumePermission: { add: { items: [{ userId: [null, 2] }, 'x'] } }, launchPermission: null },
  { lifecycleConfiguration: { rules: 'expire' }, LifecycleConfiguration: { Rule: [{ Expiration: { Days: 'soon' } }, null] } },
  { names: 'prod/db', secretIdList: { length: 3 }, withDecryption: 'yes' },
  { userName: { toString: 'x' }, constructor: { prototype: null }, __proto__: { items: [1] } },
];

describe('detectors reading request parameters: hostile or malformed values', () => {
  it('never throw, never page, and leave the engine working for the next event', () => {
    const engine = createDetectionEngine();
    let at = AFTER;
    run(engine, [ev({ ...leaked, at, op: 'sts:GetCallerIdentity' })]);
    for (const op of READERS) {
      for (const requestParameters of HOSTILE) {
        at += MIN;
        const e = ev({ ...leaked, at, op });
        e.attributes = { requestParameters };
        const alerts = run(engine, [e]);
        const paged = alerts.filter((a) => a.severity === 'high' || a.severity === 'critical');
        assert.deepEqual(
          paged.map((a) => [a.rule, a.evidence.kind]),
          [],
          `${op} with ${JSON.stringify(requestParameters)}`,
        );
      }
    }
    // Still judging: a real stop of CloudTrail after all that looking around pages as it should.
    const after = run(engine, [ev({ ...leaked, at: at + MIN, op: 'cloudtrail:StopLogging' })]);
    assert.ok(after.some((a) => a.evidence.kind === 'unbaselined_chain'));
  });
});
