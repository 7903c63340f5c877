import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { alertsOfFile } from './real-data-run.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-ct-service-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNT = '111122223333';
const OFFICE_IP = '62.157.10.33';
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const at = (day: number, minute: number) => new Date(Date.UTC(2026, 9, 1 + day, 8, minute)).toISOString().replace(/\.\d+Z$/, 'Z');
let seq = 0;

// A console user signed in through IAM Identity Center: a new session key each day, the role session as principal.
function ssoSession(day: number) {
  return {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLESSO:lena@example.com',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_PowerUser_0123456789abcdef/lena@example.com`,
    accountId: ACCOUNT,
    accessKeyId: `ASIAEXAMPLELENA${String(day).padStart(5, '0')}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_PowerUser_0123456789abcdef` },
      attributes: { creationDate: at(day, 0), mfaAuthenticated: 'false' },
    },
  };
}

function record(time: string, source: string, name: string, identity: object, ip: string, agent: string, extra: object = {}) {
  seq++;
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-central-1',
    sourceIPAddress: ip,
    userAgent: agent,
    requestParameters: { roleName: 'reporting-app-role' },
    responseElements: null,
    requestID: `req-${seq}`,
    eventID: `evt-${seq}`,
    readOnly: /^(Get|List|Describe)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    ...extra,
  };
}

const READS: Array<[string, string]> = [
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['cloudwatch.amazonaws.com', 'DescribeAlarms'],
  ['s3.amazonaws.com', 'ListBuckets'],
  ['cloudformation.amazonaws.com', 'DescribeStacks'],
];
const STACK_CALLS: Array<[string, string]> = [
  ['iam.amazonaws.com', 'CreateRole'],
  ['iam.amazonaws.com', 'AttachRolePolicy'],
  ['iam.amazonaws.com', 'PutRolePolicy'],
  ['s3.amazonaws.com', 'CreateBucket'],
  ['lambda.amazonaws.com', 'CreateFunction20150331'],
];

/** Two weeks of console work from the office, then on the last day the stack's changes, made as `last` says. */
async function consoleUser(last: 'cloudformation' | 'stolen-session'): Promise<Alert[]> {
  const records = [];
  const days = [0, 1, 2, 5, 6, 7, 8, 9, 12, 13, 14];
  for (const day of days) {
    const identity = ssoSession(day);
    for (let i = 0; i < 20; i++) {
      const [source, name] = READS[i % READS.length] as [string, string];
      records.push(record(at(day, 2 + i * 2), source, name, identity, OFFICE_IP, BROWSER, { sessionCredentialFromConsole: 'true' }));
    }
  }
  const today = days[days.length - 1] as number;
  const identity = ssoSession(today);
  records.push(
    record(at(today, 50), 'cloudformation.amazonaws.com', 'CreateStack', identity, OFFICE_IP, BROWSER, {
      sessionCredentialFromConsole: 'true',
    }),
  );
  STACK_CALLS.forEach(([source, name], i) => {
    records.push(
      last === 'cloudformation'
        ? // CloudFormation creates the stack's resources with the user's own session.
          record(
            at(today, 51 + i),
            source,
            name,
            { ...identity, invokedBy: 'cloudformation.amazonaws.com' },
            'cloudformation.amazonaws.com',
            'cloudformation.amazonaws.com',
          )
        : record(at(today, 51 + i), source, name, identity, '167.99.100.23', 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.15.0'),
    );
  });
  const file = join(dir, `${last}.json`);
  writeFileSync(file, JSON.stringify({ Records: records }));
  const alerts = await alertsOfFile(file);
  return alerts;
}

const pages = (alerts: Alert[]) => alerts.filter((a) => a.severity === 'high' || a.severity === 'critical');

describe('CloudTrail calls an AWS service makes for the caller', () => {
  it('hard negative: a console user creating a CloudFormation stack (the service makes the changes with their session) does not page', async () => {
    const alerts = await consoleUser('cloudformation');
    assert.deepEqual(
      pages(alerts).map((a) => `${a.rule} ${a.severity} ${a.summary}`),
      [],
    );
    assert.ok(!alerts.some((a) => a.rule === 'new_client'), 'the service is not a new client of the user');
  });

  it('the same changes made with the session from a script on a rented server page', async () => {
    assert.ok(pages(await consoleUser('stolen-session')).length > 0);
  });
});
