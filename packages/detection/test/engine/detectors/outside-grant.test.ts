import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, DAY, type EventSpec, ev, HOUR, MIN, run, T0 } from '../helpers/events.js';

const OWN = '418295730164';
const BACKUP = '418295730999';
const THIEF = '012345678912';
const leaked: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIALEAKED', principal: 'ci-legacy', place: 'frankfurtVps', client: 'boto3' };

interface Step {
  op: string;
  params?: Record<string, unknown>;
  account?: string;
}

function events(steps: readonly Step[], spec: Omit<EventSpec, 'at' | 'op'> = leaked, start = AFTER): EnrichedEvent[] {
  return steps.map((s, i) => {
    const e = ev({ ...spec, at: start + i * MIN, op: s.op });
    e.attributes = { account_id: s.account ?? OWN, ...(s.params ? { requestParameters: s.params } : {}) };
    return e;
  });
}

function granted(alerts: ReturnType<typeof run>) {
  return alerts.filter((a) => a.evidence.kind === 'outside_grant');
}

const shareAmi = (userId: string): Step => ({
  op: 'ec2:ModifyImageAttribute',
  params: { imageId: 'ami-1', launchPermission: { add: { items: [{ userId }] } }, attributeType: 'launchPermission' },
});
const trust = (principal: string, condition?: Record<string, unknown>): Step => ({
  op: 'iam:UpdateAssumeRolePolicy',
  params: {
    roleName: 'acme-deploy',
    policyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) },
      ],
    }),
  },
});
const RECON: Step = { op: 'sts:GetCallerIdentity' };

describe('detector: access granted to an account the logs never showed', () => {
  it('a cold key sharing an image, a snapshot or a database snapshot with an unknown account from a VPS pages high', () => {
    const ami = granted(run(createDetectionEngine(), events([RECON, shareAmi(THIEF)])));
    assert.equal(ami.length, 1);
    assert.equal(ami[0]!.severity, 'high');
    assert.deepEqual(ami[0]!.evidence.outside_accounts, [THIEF]);
    const snapshot = {
      op: 'ec2:ModifySnapshotAttribute',
      params: { snapshotId: 'snap-1', createVolumePermission: { add: { items: [{ userId: THIEF }] } } },
    };
    assert.equal(granted(run(createDetectionEngine(), events([RECON, snapshot])))[0]?.severity, 'high');
    const rds = {
      op: 'rds:ModifyDBSnapshotAttribute',
      params: { dBSnapshotIdentifier: 'db', attributeName: 'restore', valuesToAdd: [THIEF] },
    };
    assert.equal(granted(run(createDetectionEngine(), events([RECON, rds])))[0]?.severity, 'high');
  });

  it('a bucket policy, a role trust or a function opened to another account or to everyone pages the same way', () => {
    const bucket = {
      op: 's3:PutBucketPolicy',
      params: {
        bucketName: 'acme-prod-data',
        bucketPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${THIEF}:root`] }, Action: 's3:GetObject' }] },
      },
    };
    assert.equal(granted(run(createDetectionEngine(), events([RECON, bucket])))[0]?.severity, 'high');
    assert.equal(granted(run(createDetectionEngine(), events([RECON, trust(`arn:aws:iam::${THIEF}:root`)])))[0]?.severity, 'high');
    const role = {
      op: 'iam:CreateRole',
      params: {
        roleName: 'support',
        assumeRolePolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: THIEF }, Action: 'sts:AssumeRole' }] }),
      },
    };
    assert.equal(granted(run(createDetectionEngine(), events([RECON, role])))[0]?.severity, 'high');
    const fn = { op: 'lambda:AddPermission20150331v2', params: { functionName: 'f', action: 'lambda:InvokeFunction', principal: '*' } };
    const everyone = granted(run(createDetectionEngine(), events([RECON, fn])));
    assert.equal(everyone[0]?.evidence.everyone, true);
    assert.equal(everyone[0]?.evidence.operation, 'lambda:AddPermission');
  });

  it('from an instance on Amazon’s addresses too: a thief’s own instance, in the thief’s own account, calls from there', () => {
    assert.equal(
      granted(run(createDetectionEngine(), events([RECON, shareAmi(THIEF)], { ...leaked, place: 'awsVirginia' })))[0]?.severity,
      'high',
    );
  });

  it('hard negatives: the account itself and accounts the logs show, a vendor role with an external id, a service principal', () => {
    assert.equal(granted(run(createDetectionEngine(), events([RECON, shareAmi(OWN)]))).length, 0);
    // The backup account appears in the organisation's trail: a member, not a stranger.
    const engine = createDetectionEngine();
    run(
      engine,
      events([{ op: 's3:ListBuckets', account: BACKUP }], { ...leaked, cred: 'AKIAOTHER', principal: 'backup-admin' }, AFTER - HOUR),
    );
    assert.equal(granted(run(engine, events([RECON, shareAmi(BACKUP)]))).length, 0);
    const vendor = trust('arn:aws:iam::464622532012:root', { StringEquals: { 'sts:ExternalId': 'abc123' } });
    assert.equal(granted(run(createDetectionEngine(), events([RECON, vendor]))).length, 0);
    const service = {
      op: 'lambda:AddPermission20150331v2',
      params: { functionName: 'f', action: 'lambda:InvokeFunction', principal: 's3.amazonaws.com', sourceAccount: OWN },
    };
    assert.equal(granted(run(createDetectionEngine(), events([RECON, service]))).length, 0);
  });

  it('without the recipient account in the record (OCSF, native lines), the caller’s own account comes from its ARN', () => {
    const noAccount = events([RECON, shareAmi(OWN)], { ...leaked, principal: `arn:aws:iam::${OWN}:user/ci-legacy` });
    for (const e of noAccount) e.attributes = { ...e.attributes, account_id: undefined };
    assert.equal(granted(run(createDetectionEngine(), noAccount)).length, 0);
    const stranger = events([RECON, shareAmi(THIEF)], { ...leaked, principal: `arn:aws:iam::${OWN}:user/ci-legacy` });
    for (const e of stranger) e.attributes = { ...e.attributes, account_id: undefined };
    assert.equal(granted(run(createDetectionEngine(), stranger))[0]?.severity, 'high');
  });

  it('hard negatives: the console, Terraform, a call through the VPC, a refused call, a learned sharer at work', () => {
    const share = [RECON, shareAmi(THIEF)];
    const consoleShare = events(share);
    for (const e of consoleShare) e.interactive = true;
    assert.equal(granted(run(createDetectionEngine(), consoleShare)).length, 0);
    assert.equal(granted(run(createDetectionEngine(), events(share, { ...leaked, client: 'terraform' }))).length, 0);
    // Through the VPC (a private address behind an endpoint): the account's own workload.
    assert.equal(granted(run(createDetectionEngine(), events(share, { ...leaked, place: undefined, ip: '10.0.12.47' }))).length, 0);
    const refused = events(share);
    refused[1]!.outcome = 'failure';
    refused[1]!.error_code = 'Client.UnauthorizedOperation';
    assert.equal(granted(run(createDetectionEngine(), refused)).length, 0);
    // A release job that shares its images with a partner account every day, from the same runner.
    const engine = createDetectionEngine();
    const job = { cred: 'AKIARELEASE', principal: 'release-bot', place: 'londonVps' as const, client: 'boto3' as const };
    const alerts = [];
    for (let d = 0; d < 30; d++)
      alerts.push(...run(engine, events([shareAmi(THIEF), { op: 'ec2:DescribeImages' }], job, T0 + d * DAY + 9 * HOUR)));
    const afterLearning = granted(alerts).filter((a) => Date.parse(a.time) > T0 + 5 * DAY);
    assert.equal(afterLearning.length, 0);
  });
});
