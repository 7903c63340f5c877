import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOcsfRecord } from '../../src/ingest/parsers/ocsf.js';

// Amazon Security Lake's CloudTrail mapping (OCSF 1.1): requestParameters in api.request.data, responseElements in
// api.response.data, as JSON text when read from its Parquet tables.
function securityLake(eventName: string, request: unknown, response: unknown, activityId: number) {
  return {
    class_uid: 6003,
    activity_id: activityId,
    time: 1_791_000_000_000,
    actor: {
      user: {
        type: 'IAMUser',
        name: 'alice',
        uid: 'arn:aws:iam::418295730164:user/alice',
        uid_alt: 'AIDAEXAMPLE',
        credential_uid: 'AKIAALICE',
      },
    },
    api: {
      operation: eventName,
      service: { name: 'iam.amazonaws.com' },
      request: { uid: 'r1', data: request },
      response: { data: response },
    },
    src_endpoint: { ip: '188.166.50.4' },
    http_request: { user_agent: 'Boto3/1.34.84' },
    metadata: { uid: 'e1', product: { name: 'CloudTrail' }, version: '1.1.0' },
  };
}

function parse(record: unknown) {
  const out = parseOcsfRecord(record, { source: 'lake.jsonl', line: 1 });
  assert.equal(out.kind, 'event');
  return out.kind === 'event' ? out.event : undefined;
}

describe('OCSF API Activity from Security Lake: request and response data', () => {
  it('keeps what a write changed and the key it handed out, from JSON text as from objects', () => {
    for (const wrap of [(v: unknown) => JSON.stringify(v), (v: unknown) => v]) {
      const ev = parse(
        securityLake(
          'CreateAccessKey',
          wrap({ userName: 'backup-svc' }),
          wrap({ accessKey: { accessKeyId: 'AKIABACKUP', status: 'Active', userName: 'backup-svc' } }),
          1,
        ),
      );
      assert.equal(ev?.resource, 'userName=backup-svc');
      assert.deepEqual(ev?.attributes?.requestParameters, { userName: 'backup-svc' });
      assert.equal(ev?.attributes?.issued_credential_id, 'AKIABACKUP');
    }
  });

  it('keeps the instances a RunInstances started, from JSON text as from objects', () => {
    const response = { instancesSet: { items: [{ instanceId: 'i-0lake' }] } };
    for (const data of [JSON.stringify(response), response]) {
      const ev = parse(securityLake('RunInstances', '{"instanceType":"g4dn.12xlarge"}', data, 1));
      assert.deepEqual(ev?.attributes?.created_compute_ids, ['i-0lake']);
    }
  });

  it('names the policy an AttachUserPolicy granted (administrator access is read from it)', () => {
    const ev = parse(
      securityLake('AttachUserPolicy', '{"userName":"backup-svc","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}', null, 3),
    );
    const params = ev?.attributes?.requestParameters as Record<string, unknown> | undefined;
    assert.equal(params?.policyArn, 'arn:aws:iam::aws:policy/AdministratorAccess');
  });

  it('a read keeps its resource but no parameters; text that is not a JSON object is ignored', () => {
    const read = parse(securityLake('GetUser', '{"userName":"bob"}', null, 2));
    assert.equal(read?.resource, 'userName=bob');
    assert.equal(read?.attributes?.requestParameters, undefined);
    const odd = parse(securityLake('CreateUser', '{not json', '[1,2]', 1));
    assert.equal(odd?.resource, undefined);
    assert.equal(odd?.attributes?.issued_credential_id, undefined);
  });
});

describe('OCSF byte counts', () => {
  function s3Read(extra: Record<string, unknown>) {
    const record: Record<string, unknown> = { ...securityLake('GetObject', '{"bucketName":"exports","key":"a.csv"}', null, 2), ...extra };
    record.api = { ...(record.api as object), service: { name: 's3.amazonaws.com' } };
    return parse(record);
  }

  it("reads S3's bytesTransferredOut where Security Lake keeps it (unmapped, flattened key, float or text)", () => {
    assert.equal(s3Read({ unmapped: { 'additionalEventData.bytesTransferredOut': '52428800.0' } })?.bytes_out, 52_428_800);
    assert.equal(s3Read({ unmapped: { 'additionalEventData.bytesTransferredOut': 4096 } })?.bytes_out, 4096);
    assert.equal(s3Read({ unmapped: { 'additionalEventData.bytesTransferredIn': '0.0' } })?.bytes_in, 0);
  });

  it('reads it nested, as an object or as JSON text, and from the OCSF traffic object', () => {
    assert.equal(s3Read({ unmapped: { additionalEventData: { bytesTransferredOut: 2048 } } })?.bytes_out, 2048);
    assert.equal(s3Read({ unmapped: { additionalEventData: '{"bytesTransferredOut":1024.0}' } })?.bytes_out, 1024);
    assert.equal(s3Read({ traffic: { bytes_out: 777, bytes_in: 12 } })?.bytes_out, 777);
    assert.equal(s3Read({ traffic: { bytes_out: 777, bytes_in: 12 } })?.bytes_in, 12);
  });

  it('http_response.length wins; counts that are not whole non-negative numbers are left out', () => {
    assert.equal(s3Read({ http_response: { code: 200, length: 10 }, traffic: { bytes_out: 777 } })?.bytes_out, 10);
    assert.equal(s3Read({ unmapped: { 'additionalEventData.bytesTransferredOut': 'lots' } })?.bytes_out, undefined);
    assert.equal(s3Read({ unmapped: { 'additionalEventData.bytesTransferredOut': -5 } })?.bytes_out, undefined);
    assert.equal(s3Read({ unmapped: 'not an object' })?.bytes_out, undefined);
  });
});
