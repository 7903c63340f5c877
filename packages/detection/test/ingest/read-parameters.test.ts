import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCloudTrailRecord } from '../../src/ingest/parsers/cloudtrail.js';
import { parseOcsfRecord } from '../../src/ingest/parsers/ocsf.js';

// Reads drop their parameters (they say nothing a write would), except where detection reads them: which secrets
// a call asked for and whether it decrypted them.
function trail(eventSource: string, eventName: string, requestParameters: unknown) {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::418295730164:user/kim', accountId: '418295730164', accessKeyId: 'AKIAKIM' },
    eventTime: '2026-10-17T03:11:00Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '159.89.120.45',
    userAgent: 'Boto3/1.34.84',
    requestParameters,
    readOnly: true,
    eventID: 'e1',
  };
}

function attributesOf(out: ReturnType<typeof parseCloudTrailRecord>) {
  assert.equal(out.kind, 'event');
  return out.kind === 'event' ? out.event.attributes : undefined;
}

describe('request parameters of reads', () => {
  it('CloudTrail: SSM parameter reads and the bulk secret read keep theirs; other reads do not', () => {
    const names = { names: ['/prod/db/password', '/prod/api/key'], withDecryption: true };
    const ssm = attributesOf(parseCloudTrailRecord(trail('ssm.amazonaws.com', 'GetParameters', names), { source: 't', line: 1 }));
    assert.deepEqual(ssm?.requestParameters, names);
    const batch = { filters: [{ key: 'tag-key', values: ['team'] }] };
    const bulk = attributesOf(
      parseCloudTrailRecord(trail('secretsmanager.amazonaws.com', 'BatchGetSecretValue', batch), { source: 't', line: 1 }),
    );
    assert.deepEqual(bulk?.requestParameters, batch);
    const list = attributesOf(
      parseCloudTrailRecord(trail('s3.amazonaws.com', 'ListBuckets', { Host: 's3.amazonaws.com' }), { source: 't', line: 1 }),
    );
    assert.equal(list?.requestParameters, undefined);
  });

  it('OCSF: a read (activity 2) of SSM parameters keeps its request data', () => {
    const record = {
      class_uid: 6003,
      activity_id: 2,
      time: 1_791_000_000_000,
      actor: { user: { uid: 'arn:aws:iam::418295730164:user/kim', credential_uid: 'AKIAKIM' } },
      api: {
        operation: 'GetParameters',
        service: { name: 'ssm.amazonaws.com' },
        request: { uid: 'r1', data: { names: ['/a'], withDecryption: true } },
      },
      src_endpoint: { ip: '159.89.120.45' },
      metadata: { uid: 'e1', product: { name: 'CloudTrail' }, version: '1.1.0' },
    };
    const out = parseOcsfRecord(record, { source: 'lake.jsonl', line: 1 });
    assert.equal(out.kind, 'event');
    assert.deepEqual(out.kind === 'event' ? out.event.attributes?.requestParameters : undefined, { names: ['/a'], withDecryption: true });
  });
});
