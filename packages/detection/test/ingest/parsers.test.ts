import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createRecordDecoder, type DecodedRecord } from '../../src/ingest/parse-record.js';
import { hashedCredentialId, parseClfTime } from '../../src/ingest/parsers/nginx.js';
import { splitRecords } from '../../src/ingest/record-splitter.js';
import type { InputFormatOption, NormalisedEvent } from '../../src/ingest/types.js';
import { fixture } from '../fixtures/paths.js';

async function decodeFile(name: string, format: InputFormatOption = 'auto'): Promise<DecodedRecord[]> {
  const decode = createRecordDecoder({ format });
  async function* text() {
    yield readFileSync(fixture(name), 'utf8');
  }
  const out: DecodedRecord[] = [];
  for await (const raw of splitRecords(text())) out.push(...decode(raw, name));
  return out;
}

function events(records: DecodedRecord[]): NormalisedEvent[] {
  return records.flatMap((r) => (r.outcome.kind === 'event' ? [r.outcome.event] : []));
}

describe('CloudTrail', () => {
  it('maps a Records file: key id as credential, service:eventName, ignores service events, keeps lifecycle errors', async () => {
    const recs = await decodeFile('cloudtrail-file.json');
    assert.deepEqual(
      recs.map((r) => [r.format, r.outcome.kind]),
      [
        ['cloudtrail', 'event'],
        ['cloudtrail', 'event'],
        ['cloudtrail', 'ignored'],
        ['cloudtrail', 'event'],
      ],
    );
    const [probe, create, expired] = events(recs);
    assert.equal(probe?.credential_key, 'AKIAEXAMPLEALICE0001');
    assert.equal(probe?.operation, 'sts:GetCallerIdentity');
    assert.equal(probe?.principal, 'arn:aws:iam::111122223333:user/alice');
    assert.equal(probe?.time, '2026-03-01T10:00:00.000Z');
    assert.equal(probe?.ts, Date.UTC(2026, 2, 1, 10));
    assert.equal(probe?.origin?.line, 3);
    assert.equal(create?.operation, 'iam:CreateAccessKey');
    assert.equal(create?.resource, 'userName=backdoor');
    assert.equal(create?.outcome, 'success');
    assert.equal(expired?.outcome, 'failure');
    assert.equal(expired?.status, 401);
    assert.equal(expired?.lifecycle, 'token.expired');
  });

  it('reads one record per line: console sessions are interactive, service IPs are kept apart, v6 IPs normalised', async () => {
    const [stop, get] = events(await decodeFile('cloudtrail-lines.jsonl'));
    assert.equal(stop?.operation, 'cloudtrail:StopLogging');
    assert.equal(stop?.interactive, true);
    assert.equal(stop?.source_ip, undefined);
    assert.equal(stop?.attributes?.source_service, 'AWS Internal');
    assert.equal(stop?.principal, 'arn:aws:sts::111122223333:assumed-role/ci/runner');
    assert.equal(get?.source_ip, '2001:4860:4860::8888');
    assert.equal(get?.resource, 'payroll/2026/03.csv');
    assert.equal(get?.bytes_out, 4096);
    assert.equal(get?.status, 403);
  });

  it('a long-term access key is never a console session, whatever user agent it sends', () => {
    // QA: the simulator's native form said the thief replaying a key with its victim's browser string was no person;
    // CloudTrail says it too: signing in to the console gives temporary ASIA keys, and AKIA keys are programs'.
    const decode = createRecordDecoder({ format: 'cloudtrail' });
    const browser = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
    const record = (accessKeyId: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        eventVersion: '1.10',
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/olga', accountId: '111122223333', accessKeyId },
        eventTime: '2026-03-01T10:00:00Z',
        eventSource: 'iam.amazonaws.com',
        eventName: 'GetUser',
        awsRegion: 'us-east-1',
        sourceIPAddress: '203.0.113.9',
        userAgent: browser,
        eventID: `e-${accessKeyId}`,
        ...extra,
      });
    const interactive = (text: string) => {
      const [d] = decode({ kind: 'line', text, line: 1 }, 'x.jsonl');
      assert.equal(d?.outcome.kind, 'event');
      return d?.outcome.kind === 'event' ? d.outcome.event.interactive : 'not an event';
    };
    assert.equal(interactive(record('AKIAEXAMPLEOLGA00001')), false);
    assert.equal(interactive(record('ASIAEXAMPLEOLGA00001')), undefined, 'a temporary key may be anyone');
    assert.equal(interactive(record('ASIAEXAMPLEOLGA00001', { sessionCredentialFromConsole: 'true' })), true);
  });
});

describe('CloudTrail through Amazon EventBridge', () => {
  it('reads the record inside an "AWS API Call via CloudTrail" event, auto-detected or forced, and nothing else inside an envelope', () => {
    const record = {
      eventVersion: '1.09',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ana', accessKeyId: 'AKIAEXAMPLEANA00001' },
      eventTime: '2026-10-05T08:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      sourceIPAddress: '198.51.100.7',
      userAgent: 'aws-cli/2.15.30',
      eventID: 'ct-eb-1',
    };
    const envelope = (detailType: string, detail: object) => ({
      version: '0',
      id: 'c7d2a5e0-0000-4000-8000-000000000001',
      'detail-type': detailType,
      source: 'aws.iam',
      account: '111122223333',
      time: '2026-10-05T08:00:02Z',
      region: 'us-east-1',
      resources: [],
      detail,
    });
    for (const format of ['auto', 'cloudtrail'] as const) {
      const [d] = createRecordDecoder({ format })(
        { kind: 'line', text: JSON.stringify(envelope('AWS API Call via CloudTrail', record)), line: 7 },
        'eb.jsonl',
      );
      assert.equal(d?.format, 'cloudtrail');
      assert.ok(d?.outcome.kind === 'event');
      assert.equal(d.outcome.event.credential_id, 'AKIAEXAMPLEANA00001');
      assert.equal(d.outcome.event.operation, 'iam:CreateAccessKey');
      assert.equal(d.outcome.event.ts, Date.parse('2026-10-05T08:00:00Z'));
    }
    const finding = envelope('GuardDuty Finding', {
      schemaVersion: '2.0',
      type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration',
    });
    const [other] = createRecordDecoder({ format: 'auto' })({ kind: 'line', text: JSON.stringify(finding), line: 8 }, 'eb.jsonl');
    assert.equal(other?.outcome.kind, 'error');
  });
});

describe('CloudTrail through CloudWatch Logs', () => {
  it('reads each log event of a subscription record as a CloudTrail record, and ignores a control message', () => {
    const decode = createRecordDecoder({ format: 'auto' });
    const trailRecord = (n: number) => ({
      eventVersion: '1.09',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ana', accessKeyId: 'AKIAEXAMPLEANA00001' },
      eventTime: `2026-10-05T08:0${n}:00Z`,
      eventSource: 's3.amazonaws.com',
      eventName: 'ListBuckets',
      sourceIPAddress: '198.51.100.7',
      eventID: `cwl-${n}`,
    });
    const data = {
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: 'aws-cloudtrail-logs-111122223333',
      logStream: '111122223333_CloudTrail_eu-central-1',
      subscriptionFilters: ['to-firehose'],
      logEvents: [
        { id: '1', timestamp: 1, message: JSON.stringify(trailRecord(1)) },
        { id: '2', timestamp: 2, message: JSON.stringify(trailRecord(2)) },
        { id: '3', timestamp: 3, message: '{"eventVersion": ' },
      ],
    };
    const decoded = decode({ kind: 'element', text: JSON.stringify(data), line: 4 }, 'firehose.gz');
    assert.deepEqual(
      decoded.map((d) => [d.format, d.outcome.kind, d.line]),
      [
        ['cloudtrail', 'event', 4],
        ['cloudtrail', 'event', 4],
        [undefined, 'error', 4],
      ],
    );
    assert.equal(decoded[1]?.outcome.kind === 'event' && decoded[1].outcome.event.id, 'cwl-2');
    const broken = decoded[2]?.outcome;
    assert.ok(broken?.kind === 'error');
    assert.match(broken.reason, /^CloudWatch Logs message not valid JSON/);
    const control = {
      ...data,
      messageType: 'CONTROL_MESSAGE',
      logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
    };
    assert.deepEqual(
      decode({ kind: 'element', text: JSON.stringify(control), line: 1 }, 'firehose.gz').map((d) => d.outcome.kind),
      ['ignored'],
    );
  });
});

describe('OCSF', () => {
  it('maps API Activity: credential_uid, falling back to session uid; drops query strings', async () => {
    const [a, b] = events(await decodeFile('ocsf.jsonl'));
    assert.equal(a?.credential_key, 'AKIAEXAMPLECAROL0001');
    assert.equal(a?.operation, 'iam:ListUsers');
    assert.equal(a?.path, '/v1/users');
    assert.equal(a?.principal, 'arn:aws:iam::111122223333:user/carol');
    assert.equal(a?.outcome, 'success');
    assert.equal(a?.time, new Date(1772359200000).toISOString());
    assert.equal(a?.resource, 'arn:aws:iam::111122223333:user/dave');
    assert.equal(b?.credential_key, 'sess-only-uid');
    assert.equal(b?.operation, 'iam:AttachUserPolicy');
    assert.equal(b?.outcome, 'failure');
    assert.equal(b?.status, 403);
  });
});

describe('CloudTrail: credentials a call hands out', () => {
  it('takes digest and Insights files of the S3 export as valid input with no caller, not an unknown format', () => {
    const digest = {
      awsAccountId: '123456789012',
      digestStartTime: '2026-11-05T09:00:00Z',
      digestEndTime: '2026-11-05T10:00:00Z',
      digestS3Bucket: 'acme-trail',
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: '2026-11-05T09:59:58Z',
      logFiles: [{ s3Bucket: 'acme-trail', s3Object: 'AWSLogs/123456789012/CloudTrail/us-east-1/x.json.gz', hashValue: '9bd' }],
    };
    // An Insights record (CloudTrail-Insight/ in the same export) names an API and a rate, no caller.
    const insight = {
      eventVersion: '1.08',
      eventTime: '2026-11-05T09:00:00Z',
      awsRegion: 'us-east-1',
      eventID: 'a9edc959-9488-4790-be0f-05d60e56b547',
      eventType: 'AwsCloudTrailInsight',
      recipientAccountId: '123456789012',
      sharedEventID: '12edc982-3348-4794-83d3-a3db26525049',
      insightDetails: { state: 'Start', eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', insightType: 'ApiCallRateInsight' },
      eventCategory: 'Insight',
    };
    for (const format of ['auto', 'cloudtrail'] as const) {
      for (const record of [digest, { Records: [insight] }]) {
        const [d] = createRecordDecoder({ format })({ kind: 'line', text: JSON.stringify(record), line: 1 }, 'export.json');
        assert.equal(d?.format, 'cloudtrail', format);
        assert.equal(d?.outcome.kind, 'ignored', format);
      }
    }
  });

  it('records the session key of AssumeRole and the access key of CreateAccessKey as the issued credential', () => {
    const decode = createRecordDecoder({ format: 'cloudtrail' });
    const call = (eventSource: string, eventName: string, responseElements: unknown) => ({
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/deploy', accessKeyId: 'AKIAZZ2OGYBAH6ABCDEF' },
      eventTime: '2026-05-15T02:01:00Z',
      eventSource,
      eventName,
      sourceIPAddress: '198.51.100.23',
      responseElements,
    });
    const records = [
      call('sts.amazonaws.com', 'AssumeRole', { credentials: { accessKeyId: 'ASIAZZ2OGYBAH6SESS01', expiration: 'x' } }),
      call('iam.amazonaws.com', 'CreateAccessKey', {
        accessKey: { userName: 'backdoor', accessKeyId: 'AKIAZZ2OGYBAH6NEWKEY', status: 'Active' },
      }),
      call('iam.amazonaws.com', 'ListUsers', null),
    ];
    const issued = records.map((r, i) => {
      const [d] = decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'trail.jsonl');
      return d?.outcome.kind === 'event' ? d.outcome.event.attributes?.issued_credential_id : 'not an event';
    });
    assert.deepEqual(issued, ['ASIAZZ2OGYBAH6SESS01', 'AKIAZZ2OGYBAH6NEWKEY', undefined]);
    const [write] = decode(
      { kind: 'line', text: JSON.stringify({ ...records[1], requestParameters: { userName: 'backdoor' } }), line: 9 },
      't',
    );
    const [read] = decode(
      { kind: 'line', text: JSON.stringify({ ...records[2], readOnly: true, requestParameters: { maxItems: 100 } }), line: 10 },
      't',
    );
    assert.ok(write?.outcome.kind === 'event' && read?.outcome.kind === 'event');
    assert.deepEqual(write.outcome.event.attributes?.requestParameters, { userName: 'backdoor' }, 'a write keeps what it changed');
    assert.equal(read.outcome.event.attributes?.requestParameters, undefined, 'a read keeps nothing more');
  });

  it('keeps the compute a launch started (instances, spot requests, fleets) and how S3 encrypted an object', () => {
    const decode = createRecordDecoder({ format: 'cloudtrail' });
    const call = (eventSource: string, eventName: string, extra: Record<string, unknown>) => ({
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/packer', accessKeyId: 'AKIAZZ2OGYBAH6MINER1' },
      eventTime: '2026-05-15T02:01:00Z',
      eventSource,
      eventName,
      awsRegion: 'us-east-2',
      sourceIPAddress: '198.51.100.23',
      ...extra,
    });
    const records = [
      call('ec2.amazonaws.com', 'RunInstances', {
        responseElements: { instancesSet: { items: [{ instanceId: 'i-0a1' }, { instanceId: 'i-0b2' }, { nope: 1 }, 'x'] } },
      }),
      call('ec2.amazonaws.com', 'RequestSpotInstances', {
        responseElements: { spotInstanceRequestSet: { items: [{ spotInstanceRequestId: 'sir-1' }] } },
      }),
      call('ec2.amazonaws.com', 'CreateFleet', { responseElements: { CreateFleetResponse: { fleetId: 'fleet-9' } } }),
      call('ec2.amazonaws.com', 'RunInstances', { responseElements: { instancesSet: 'not a list' } }),
      call('ec2.amazonaws.com', 'TerminateInstances', { responseElements: { instancesSet: { items: [{ instanceId: 'i-0a1' }] } } }),
      call('s3.amazonaws.com', 'CopyObject', { additionalEventData: { SSEApplied: 'SSE_C' }, requestParameters: { bucketName: 'b' } }),
    ];
    const attributes = records.map((r, i) => {
      const [d] = decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'trail.jsonl');
      return d?.outcome.kind === 'event' ? d.outcome.event.attributes : undefined;
    });
    assert.deepEqual(
      attributes.map((a) => a?.created_compute_ids),
      [['i-0a1', 'i-0b2'], ['sir-1'], ['fleet-9'], undefined, undefined, undefined],
    );
    assert.equal(attributes[0]?.aws_region, 'us-east-2');
    assert.equal(attributes[5]?.sse_applied, 'SSE_C');
  });
});

describe('OCSF as Amazon Security Lake writes CloudTrail', () => {
  it('takes the access key from actor.user.credential_uid, and the user when there is no credential at all', () => {
    const decode = createRecordDecoder({ format: 'ocsf' });
    const base = {
      class_uid: 6003,
      time: 1772359200000,
      api: { operation: 'CreateAccessKey', service: { name: 'iam.amazonaws.com' } },
      src_endpoint: { ip: '198.51.100.23' },
    };
    const lake = {
      ...base,
      actor: {
        user: {
          type: 'IAMUser',
          name: 'dev-ops-svc',
          uid: 'arn:aws:iam::123456789012:user/dev-ops-svc',
          credential_uid: 'AKIAIOSFODNN7EXAMPLE',
        },
      },
    };
    const userOnly = { ...base, actor: { user: { uid: 'arn:aws:iam::123456789012:user/ci' } } };
    const nobody = { ...base, actor: {} };
    const [a, b, c] = [lake, userOnly, nobody].map(
      (r, i) => decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'lake.jsonl')[0],
    );
    assert.ok(a?.outcome.kind === 'event' && b?.outcome.kind === 'event');
    assert.equal(a.outcome.event.credential_id, 'AKIAIOSFODNN7EXAMPLE');
    assert.equal(a.outcome.event.operation, 'iam:CreateAccessKey');
    assert.equal(b.outcome.event.credential_id, 'arn:aws:iam::123456789012:user/ci');
    assert.equal(c?.outcome.kind, 'ignored');
  });

  it('takes an AWS service in src_endpoint (ip or domain) as a service acting for the caller: no place, no error', () => {
    const decode = createRecordDecoder({ format: 'auto' });
    const call = (src: Record<string, string>) => ({
      class_uid: 6003,
      time: 1772359200000,
      api: { operation: 'RunInstances', service: { name: 'ec2.amazonaws.com' } },
      actor: {
        user: {
          type: 'AssumedRole',
          uid: 'arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
          credential_uid: 'ASIAEXAMPLEASG00001',
        },
        invoked_by: 'autoscaling.amazonaws.com',
      },
      src_endpoint: src,
    });
    const outcomes = [
      call({ ip: 'autoscaling.amazonaws.com' }),
      call({ domain: 'autoscaling.amazonaws.com' }),
      call({ ip: 'AWS Internal' }),
      call({ ip: 'ec2.amazonaws.com.cn' }),
      call({ ip: 'not-an-address' }),
    ].map((r, i) => decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'lake.jsonl')[0]?.outcome);
    for (const o of outcomes.slice(0, 4)) {
      assert.ok(o?.kind === 'event', JSON.stringify(o));
      assert.equal(o.event.source_ip, undefined);
      assert.match(String(o.event.attributes?.source_service), /amazonaws\.com|AWS Internal/);
      assert.equal(o.event.attributes?.invoked_by, 'autoscaling.amazonaws.com');
    }
    assert.deepEqual(outcomes[4], { kind: 'error', reason: 'src_endpoint.ip is not an IP address' });
  });
});

describe('Okta', () => {
  it('maps a JSON array export: external session id, outcome, hints, actor fallback for unknown sessions', async () => {
    const [login, policy] = events(await decodeFile('okta-array.json'));
    assert.equal(login?.credential_key, '102abcSESSION');
    assert.equal(login?.operation, 'okta:user.session.start');
    assert.equal(login?.principal, 'erin@example.com');
    assert.equal(login?.path, '/api/v1/authn');
    assert.equal(login?.network_hint?.asn, 15169);
    assert.equal(login?.network_hint?.city, 'Ashburn');
    assert.equal(policy?.credential_key, '00u1');
    assert.equal(policy?.outcome, 'failure');
    assert.equal(policy?.network_hint?.proxy, true);
  });

  it('takes the API token of an SSWS call as its credential when there is no session', () => {
    const decode = createRecordDecoder({ format: 'okta' });
    const record = {
      uuid: 'u1',
      published: '2026-03-01T10:00:00.000Z',
      eventType: 'user.lifecycle.create',
      actor: { id: '00uADMIN', type: 'User', alternateId: 'admin@example.com' },
      authenticationContext: { externalSessionId: 'unknown' },
      client: { ipAddress: '198.51.100.7' },
      transaction: { type: 'WEB', id: 'tx1', detail: { requestApiTokenId: '00T94e3cn9kSEO3c51s5' } },
      outcome: { result: 'SUCCESS' },
    };
    const [d] = decode({ kind: 'line', text: JSON.stringify(record), line: 1 }, 'okta.jsonl');
    assert.ok(d?.outcome.kind === 'event');
    assert.equal(d.outcome.event.credential_id, '00T94e3cn9kSEO3c51s5');
    assert.equal(d.outcome.event.credential_kind, 'api_key');
    assert.equal(d.outcome.event.principal, 'admin@example.com');
  });

  it('keeps the targets of a change by id (what the runbook undoes), not of a sign-in', () => {
    const decode = createRecordDecoder({ format: 'okta' });
    const base = {
      published: '2026-03-01T10:00:00.000Z',
      actor: { id: '00uADMIN', type: 'User', alternateId: 'admin@example.com' },
      authenticationContext: { externalSessionId: '102SESSION' },
      client: { ipAddress: '198.51.100.7' },
      outcome: { result: 'SUCCESS' },
    };
    const membership = {
      ...base,
      uuid: 'm1',
      eventType: 'group.user_membership.add',
      target: [
        { id: '00uNEW', type: 'User', alternateId: 'backdoor@example.com', displayName: 'Backdoor' },
        { id: '00gADMINS', type: 'UserGroup', alternateId: 'unknown', displayName: 'Admins' },
        'not a target',
        { type: 'User' },
      ],
    };
    const signIn = { ...base, uuid: 's1', eventType: 'user.session.start', target: [{ id: '0oaAPP', type: 'AppInstance' }] };
    const [m, si] = [membership, signIn].map((r, i) => decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'okta.jsonl')[0]);
    assert.ok(m?.outcome.kind === 'event' && si?.outcome.kind === 'event');
    assert.deepEqual(m.outcome.event.attributes?.okta_targets, [
      { type: 'User', id: '00uNEW', alternate_id: 'backdoor@example.com' },
      { type: 'UserGroup', id: '00gADMINS', alternate_id: 'unknown' },
    ]);
    assert.equal(si.outcome.event.attributes?.okta_targets, undefined);
  });

  it('keys an API call by its token, not by the per-request transaction id Okta logs as its session; names a granted role', () => {
    const decode = createRecordDecoder({ format: 'okta' });
    const call = {
      uuid: 't1',
      published: '2026-03-01T06:00:00.000Z',
      eventType: 'group.user_membership.add',
      actor: { id: '00uSVC', type: 'User', alternateId: 'svc-terraform@example.com' },
      authenticationContext: { externalSessionId: 'trsAbC123xyz' },
      transaction: { type: 'WEB', id: 'x', detail: { requestApiTokenId: '00Ttoken1' } },
      client: { ipAddress: '20.42.10.5', userAgent: { rawUserAgent: 'Terraform/1.9' } },
      outcome: { result: 'SUCCESS' },
    };
    const oauthService = { ...call, uuid: 't2', transaction: { type: 'WEB', id: 'y', detail: {} } };
    const grant = {
      ...call,
      uuid: 't3',
      eventType: 'user.account.privilege.grant',
      authenticationContext: { externalSessionId: 'idxADMIN' },
      transaction: { type: 'WEB', id: 'z', detail: {} },
      target: [
        { id: '00uNEW', type: 'User', alternateId: 'tariq@example.com' },
        { id: 'ra1', type: 'ROLE', alternateId: 'unknown', displayName: 'Read-only Administrator' },
      ],
    };
    const [c, o, g] = [call, oauthService, grant].map(
      (r, i) => decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'okta.jsonl')[0],
    );
    assert.ok(c?.outcome.kind === 'event' && o?.outcome.kind === 'event' && g?.outcome.kind === 'event');
    assert.equal(c.outcome.event.credential_id, '00Ttoken1');
    assert.equal(c.outcome.event.credential_kind, 'api_key');
    assert.equal(o.outcome.event.credential_id, '00uSVC');
    assert.equal(g.outcome.event.credential_id, 'idxADMIN');
    assert.equal(g.outcome.event.attributes?.okta_role, 'Read-only Administrator');
  });

  it('takes no client, grant type, scopes or role from fields of the wrong type, and loses no event over them', () => {
    const decode = createRecordDecoder({ format: 'okta' });
    const person = { id: '00uDAN', type: 'User', alternateId: 'dan@example.com' };
    const base = { published: '2026-03-01T10:00:00.000Z', actor: person, outcome: { result: 'SUCCESS' } };
    // Objects, arrays and nulls where Okta writes strings (a number is read as its text, as for every field).
    const hostile = [
      // A grant whose client.id, grant type and scopes are not strings.
      {
        ...base,
        eventType: 'app.oauth2.as.token.grant.access_token',
        authenticationContext: { externalSessionId: null },
        client: { id: { nested: true }, ipAddress: '108.61.10.5' },
        debugContext: { debugData: { grantType: { urn: 'device_code' }, grantedScopes: ['okta.users.manage'], requestedScopes: null } },
      },
      // A consent whose client.id is an array, with debugData that is not an object.
      {
        ...base,
        eventType: 'app.oauth2.as.consent.grant',
        authenticationContext: { externalSessionId: 'idxDAN' },
        client: { id: ['0oa'] },
        debugContext: { debugData: 'x' },
      },
      // A privilege grant whose role target has no usable name, and a transaction detail that is not an object.
      {
        ...base,
        eventType: 'user.account.privilege.grant',
        authenticationContext: { externalSessionId: 'trs' },
        transaction: { detail: [1, 2] },
        target: [null, 'ROLE', { type: 'ROLE', displayName: { name: 'Super Administrator' }, alternateId: 'unknown' }],
        debugContext: { debugData: { privilegeGranted: { role: 'x' } } },
      },
    ];
    const parsed = hostile.map((r, i) => decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'okta.jsonl')[0]);
    const [grant, consent, role] = parsed.map((d) => (d?.outcome.kind === 'event' ? d.outcome.event : undefined));
    assert.ok(grant && consent && role, JSON.stringify(parsed.map((d) => d?.outcome.kind)));
    // No client anywhere usable: the grant is the person's own credential, with nothing invented.
    assert.equal(grant.credential_id, '00uDAN');
    assert.equal(grant.attributes?.oauth_grant_type, undefined);
    assert.equal(grant.attributes?.oauth_scopes, undefined);
    assert.equal(consent.attributes?.oauth_authorized_client, undefined);
    assert.equal(role.attributes?.okta_role, undefined);
    // A bare `trs` id with no API token is no session: the actor stands in.
    assert.equal(role.credential_id, '00uDAN');
  });

  it('finds the OAuth client in client.id, shortens the device grant, and keeps a person’s own authorizations', () => {
    const decode = createRecordDecoder({ format: 'okta' });
    const person = { id: '00uDAN', type: 'User', alternateId: 'dan@example.com' };
    const grant = {
      uuid: 'd1',
      published: '2026-03-01T10:00:04.000Z',
      eventType: 'app.oauth2.as.token.grant.refresh_token',
      actor: person,
      authenticationContext: { externalSessionId: 'unknown' },
      // Okta's own shape: the client only in client.id, the token alone in the targets.
      client: { id: '0oaCLI', ipAddress: '108.61.10.5', userAgent: { rawUserAgent: 'python-requests/2.31.0' } },
      outcome: { result: 'SUCCESS' },
      target: [{ id: 'rt.x1', type: 'refresh_token', detailEntry: { subject: '00uDAN' } }],
      debugContext: {
        debugData: { grantType: 'urn:ietf:params:oauth:grant-type:device_code', grantedScopes: 'openid profile offline_access' },
      },
    };
    const approval = {
      uuid: 'd0',
      published: '2026-03-01T10:00:00.000Z',
      eventType: 'app.oauth2.as.consent.grant',
      actor: person,
      authenticationContext: { externalSessionId: 'idxDAN' },
      client: { id: '0oaCLI', ipAddress: '96.232.10.4', userAgent: { rawUserAgent: 'Mozilla/5.0' } },
      outcome: { result: 'SUCCESS' },
    };
    const nullClient = { ...grant, uuid: 'd2', client: { ...grant.client, id: 'null' } };
    const [g, a, n] = [grant, approval, nullClient].map(
      (r, i) => decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'okta.jsonl')[0],
    );
    assert.ok(g?.outcome.kind === 'event' && a?.outcome.kind === 'event' && n?.outcome.kind === 'event');
    assert.equal(g.outcome.event.credential_id, '0oaCLI/00uDAN');
    assert.equal(g.outcome.event.attributes?.oauth_grant_type, 'device_code');
    assert.equal(g.outcome.event.attributes?.oauth_scopes, 'openid profile offline_access');
    // The approval is the person's own, in their session: the client it names is not a grant's.
    assert.equal(a.outcome.event.credential_id, 'idxDAN');
    assert.equal(a.outcome.event.attributes?.oauth_authorized_client, '0oaCLI');
    assert.equal(a.outcome.event.attributes?.oauth_client, undefined);
    // Okta's placeholder is no client: the grant falls back to the person.
    assert.equal(n.outcome.event.credential_id, '00uDAN');
  });

  it('keys a sessionless OAuth token grant by its client and person, in either shape Okta logs it', () => {
    const decode = createRecordDecoder({ format: 'okta' });
    const base = {
      published: '2026-03-01T10:00:00.000Z',
      eventType: 'app.oauth2.as.token.grant.access_token',
      authenticationContext: { externalSessionId: 'unknown' },
      client: { ipAddress: '3.80.12.5', userAgent: { rawUserAgent: 'okhttp/4.12.0' } },
      outcome: { result: 'SUCCESS' },
      debugContext: { debugData: { grantType: 'refresh_token' } },
    };
    const token = { id: 'AT.x1', type: 'access_token', detailEntry: { subject: '00uBOB', expires: 'soon' } };
    const records = [
      // The app as the actor, the person only as the token's subject.
      { ...base, uuid: 'g1', actor: { id: '0oaEXP', type: 'PublicClientApp', alternateId: '0oaEXP' }, target: [token] },
      // The app as the actor, the person as a target.
      {
        ...base,
        uuid: 'g2',
        actor: { id: '0oaEXP', type: 'PublicClientApp', alternateId: '0oaEXP' },
        target: [token, { id: '00uBOB', type: 'User', alternateId: 'bob@example.com' }],
      },
      // The person as the actor, the app as a target.
      {
        ...base,
        uuid: 'g3',
        actor: { id: '00uBOB', type: 'User', alternateId: 'bob@example.com' },
        target: [token, { id: '0oaEXP', type: 'PublicClientApp', alternateId: '0oaEXP' }],
      },
      // The person as the actor, the app only in the debug data.
      {
        ...base,
        uuid: 'g4',
        actor: { id: '00uBOB', type: 'User', alternateId: 'bob@example.com' },
        target: [token],
        debugContext: { debugData: { clientId: '0oaEXP' } },
      },
    ];
    const parsed = records.map((r, i) => decode({ kind: 'line', text: JSON.stringify(r), line: i + 1 }, 'okta.jsonl')[0]);
    for (const [i, d] of parsed.entries()) {
      assert.ok(d?.outcome.kind === 'event', `record ${i + 1}`);
      assert.equal(d.outcome.event.credential_id, '0oaEXP/00uBOB', `record ${i + 1}`);
      assert.equal(d.outcome.event.credential_kind, 'refresh_token');
      assert.equal(d.outcome.event.attributes?.oauth_client, '0oaEXP');
    }
    assert.deepEqual(
      parsed.map((d) => (d?.outcome.kind === 'event' ? d.outcome.event.principal : undefined)),
      ['00uBOB', 'bob@example.com', 'bob@example.com', 'bob@example.com'],
    );
    // A client-credentials token acts for no person (its subject is the client): the client is the credential.
    const [service] = decode(
      {
        kind: 'line',
        text: JSON.stringify({
          ...base,
          uuid: 'g5',
          actor: { id: '0oaSVC', type: 'PublicClientApp', alternateId: 'svc-sync' },
          target: [{ ...token, detailEntry: { subject: '0oaSVC' } }],
        }),
        line: 6,
      },
      'okta.jsonl',
    );
    assert.ok(service?.outcome.kind === 'event');
    assert.equal(service.outcome.event.credential_id, '0oaSVC');
    assert.equal(service.outcome.event.principal, 'svc-sync');
    assert.equal(service.outcome.event.attributes?.oauth_client, undefined);
    // With a session, the session stays the credential; with no client named, the actor does as before.
    const [inSession, anonymous] = [
      { ...records[2], uuid: 'g6', authenticationContext: { externalSessionId: '102SESSION' } },
      { ...records[3], uuid: 'g7', debugContext: { debugData: {} } },
    ].map((r, i) => decode({ kind: 'line', text: JSON.stringify(r), line: i + 7 }, 'okta.jsonl')[0]);
    assert.ok(inSession?.outcome.kind === 'event' && anonymous?.outcome.kind === 'event');
    assert.equal(inSession.outcome.event.credential_id, '102SESSION');
    assert.equal(anonymous.outcome.event.credential_id, '00uBOB');
  });
});

describe('nginx/Apache combined', () => {
  it('reads the client behind a load balancer from X-Forwarded-For and never takes it, a timing or a request id as the credential', () => {
    const decode = createRecordDecoder({ format: 'nginx' });
    // nginx's stock "main" format ends with "$http_x_forwarded_for"; others add $request_time, $request_id.
    const lines = [
      '10.0.3.4 - - [01/Mar/2026:13:00:00 +0000] "GET /api/v1/me?api_key=k_live_1234567890abcdef HTTP/1.1" 200 12 "-" "curl/8.5.0" "198.51.100.23, 10.0.0.9"',
      '10.0.3.4 - - [01/Mar/2026:13:00:01 +0000] "GET /api/v1/me HTTP/1.1" 200 12 "-" "curl/8.5.0" "203.0.113.5" 0.012 "4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f" "Bearer tw_at_0123456789abcdef"',
      '10.0.3.4 - - [01/Mar/2026:13:00:02 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" "-" 0.001 "0a1b2c3d4e5f60718293a4b5c6d7e8f9"',
      '203.0.113.9 - - [01/Mar/2026:13:00:03 +0000] "GET / HTTP/1.1" 200 2 "-" "curl/8.5.0" "198.51.100.77" "Bearer tw_at_0123456789abcdef"',
    ];
    const [viaQuery, viaHeader, probe, direct] = lines.map((text, i) => decode({ kind: 'line', text, line: i + 1 }, 'access.log')[0]);
    assert.ok(viaQuery?.outcome.kind === 'event' && viaHeader?.outcome.kind === 'event' && direct?.outcome.kind === 'event');
    assert.equal(viaQuery.outcome.event.source_ip, '198.51.100.23');
    assert.equal(viaQuery.outcome.event.credential_id, hashedCredentialId('k_live_1234567890abcdef'));
    assert.equal(viaHeader.outcome.event.source_ip, '203.0.113.5');
    assert.equal(viaHeader.outcome.event.credential_id, hashedCredentialId('tw_at_0123456789abcdef'));
    assert.equal(probe?.outcome.kind, 'ignored', 'a request id is no credential');
    // A public connecting address is the client: a forged X-Forwarded-For does not move it.
    assert.equal(direct.outcome.event.source_ip, '203.0.113.9');
  });

  it('keeps the connecting address when the forwarded field is garbage, and never errors on it', () => {
    const decode = createRecordDecoder({ format: 'nginx' });
    const line = (xff: string) =>
      `10.0.3.4 - - [01/Mar/2026:13:00:00 +0000] "GET /x HTTP/1.1" 200 1 "-" "curl/8.5.0" "${xff}" "Bearer tw_at_0123456789abcdef"`;
    for (const xff of ['unknown', '999.1.1.1, 10.0.0.1', '::zz, 2001:db8::g', ',,,', '10.0.0.9, 192.168.1.4', 'x'.repeat(5000)]) {
      const [d] = decode({ kind: 'line', text: line(xff), line: 1 }, 'access.log');
      assert.ok(d?.outcome.kind === 'event', xff.slice(0, 20));
      assert.equal(d.outcome.event.source_ip, '10.0.3.4', xff.slice(0, 20));
      assert.equal(d.outcome.event.credential_id, hashedCredentialId('tw_at_0123456789abcdef'));
    }
  });

  it('hashes the credential, never keeps it, and rejects lines of another format', async () => {
    const recs = await decodeFile('nginx.log');
    const evs = events(recs);
    assert.equal(evs.length, 3);
    assert.equal(evs[0]?.credential_key, hashedCredentialId('tw_live_secretvalue123'));
    assert.equal(evs[1]?.credential_key, evs[0]?.credential_key);
    assert.equal(evs[1]?.path, '/api/v1/users/1');
    assert.equal(evs[1]?.status, 403);
    assert.equal(evs[2]?.credential_key, hashedCredentialId('alice'));
    assert.equal(evs[2]?.time, '2026-03-01T13:00:00.000Z');
    assert.ok(!JSON.stringify(evs).includes('secretvalue'));
    assert.ok(!JSON.stringify(evs).includes('access_token=abc'));
    assert.deepEqual(recs[3]?.outcome, {
      kind: 'error',
      reason: 'unknown record format (neither JSON nor an nginx/Apache access-log line)',
    });
  });

  it("reads Apache's vhost_combined lines (virtual host first) in auto mode, and an IPv6 client is no virtual host", () => {
    const decode = createRecordDecoder({ format: 'auto' });
    const lines = [
      'api.example.com:443 203.0.113.7 - - [01/Mar/2026:13:00:00 +0000] "GET /v1/me HTTP/1.1" 200 512 "-" "curl/8.5.0" "Bearer tw_at_0123456789abcdef"',
      '2001:db8::1 - - [01/Mar/2026:13:00:01 +0000] "GET /v1/me HTTP/1.1" 200 512 "-" "curl/8.5.0" "Bearer tw_at_0123456789abcdef"',
      'api.example.com:99999999 203.0.113.7 - - [01/Mar/2026:13:00:02 +0000] "GET /v1/me HTTP/1.1" 200 512 "-" "curl/8.5.0"',
    ];
    const [vhost, ipv6, badPort] = lines.map((text, i) => decode({ kind: 'line', text, line: i + 1 }, 'other_vhosts_access.log')[0]);
    assert.ok(vhost?.outcome.kind === 'event' && ipv6?.outcome.kind === 'event');
    assert.equal(vhost.outcome.event.source_ip, '203.0.113.7');
    assert.equal(vhost.outcome.event.attributes?.vhost, 'api.example.com');
    assert.equal(vhost.outcome.event.credential_id, hashedCredentialId('tw_at_0123456789abcdef'));
    assert.equal(ipv6.outcome.event.source_ip, '2001:db8::1');
    assert.equal(ipv6.outcome.event.attributes, undefined);
    assert.equal(badPort?.outcome.kind, 'error');
    // Prefixes that only look like one, and a long line behind a real one: an error with a reason, never a throw.
    const tail = ' 203.0.113.7 - - [01/Mar/2026:13:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8.5.0"';
    for (const text of [
      `${'h'.repeat(254)}:443${tail}`,
      `host:${tail}`,
      `:443${tail}`,
      `a:b:443${tail}`,
      `host:443 ${'x '.repeat(50_000)}[`,
    ]) {
      const [d] = decode({ kind: 'line', text, line: 9 }, 'other_vhosts_access.log');
      assert.equal(d?.outcome.kind, 'error', text.slice(0, 40));
    }
  });

  it('parses CLF times with offsets and rejects nonsense', () => {
    assert.equal(parseClfTime('10/Oct/2000:13:55:36 -0700'), Date.UTC(2000, 9, 10, 20, 55, 36));
    assert.equal(parseClfTime('10/Foo/2000:13:55:36 -0700'), undefined);
    assert.equal(parseClfTime('29/Feb/2024:23:59:59 +0000'), Date.UTC(2024, 1, 29, 23, 59, 59));
    // Date.UTC would roll these over into another instant instead of refusing them.
    for (const bad of [
      '01/Mar/2026:25:61:00 +0000',
      '01/Mar/2026:23:60:00 +0000',
      '01/Mar/2026:23:59:60 +0000',
      '31/Apr/2026:10:00:00 +0000',
      '29/Feb/2025:10:00:00 +0000',
      '00/Mar/2026:10:00:00 +0000',
      '01/Mar/2026:10:00:00 +2500',
      '01/Mar/2026:10:00:00 -0075',
    ]) {
      assert.equal(parseClfTime(bad), undefined, bad);
    }
    assert.match(hashedCredentialId('Bearer abc'), /^hash:[0-9a-f]{16}$/);
    assert.equal(hashedCredentialId('Bearer abc'), hashedCredentialId('abc'));
  });
});

describe('native', () => {
  it('understands a lifecycle signal in any case and spelling, and ignores one it does not know', () => {
    const decode = createRecordDecoder({ format: 'native' });
    const lifecycleOf = (lifecycle: string) => {
      const record = { id: 'x', time: '2026-06-01T10:00:00Z', credential_id: 'tok_1', outcome: 'failure', lifecycle };
      const [d] = decode({ kind: 'line', text: JSON.stringify(record), line: 1 }, 'n.jsonl');
      return d?.outcome.kind === 'event' ? d.outcome.event.lifecycle : 'not an event';
    };
    assert.equal(lifecycleOf('token.revoked_use'), 'token.revoked_use');
    assert.equal(lifecycleOf('TOKEN_REVOKED_USE'), 'token.revoked_use');
    assert.equal(lifecycleOf('canary-used'), 'canary.used');
    assert.equal(lifecycleOf('refresh.reuse_detected'), 'refresh_token.reuse_detected');
    assert.equal(lifecycleOf('token_reuse'), 'refresh_token.reuse_detected');
    assert.equal(lifecycleOf('made.up'), undefined);
  });

  it("keeps a LifecycleEvent line's lineage, reason, grant and client as attributes, its own attributes first", () => {
    const decode = createRecordDecoder();
    const attributesOf = (record: Record<string, unknown>) => {
      const [d] = decode({ kind: 'line', text: JSON.stringify(record), line: 1 }, 'lifecycle.jsonl');
      return d?.outcome.kind === 'event' ? d.outcome.event.attributes : 'not an event';
    };
    const refreshed = {
      id: 'lce_1',
      time: '2026-06-01T10:00:00Z',
      type: 'token.refreshed',
      credential_id: 'rt_new',
      source_system: 'token-service',
      parent_credential_id: 'rt_old',
      grant_id: 'grt_1',
      client_id: 'web_spa',
      reason: 'rotation',
    };
    assert.deepEqual(attributesOf(refreshed), {
      parent_credential_id: 'rt_old',
      grant_id: 'grt_1',
      client_id: 'web_spa',
      reason: 'rotation',
    });
    assert.deepEqual(attributesOf({ ...refreshed, attributes: { reason: 'given', tenant: 't1' }, parent_credential_id: 42 }), {
      reason: 'given',
      tenant: 't1',
      grant_id: 'grt_1',
      client_id: 'web_spa',
    });
    // An access event's top-level fields of those names are not lifecycle lineage.
    const access = { id: 'a', time: '2026-06-01T10:00:00Z', credential_id: 'tok', outcome: 'success', parent_credential_id: 'x' };
    assert.equal(attributesOf(access), undefined);
  });

  it('keeps lifecycle signals from error codes and from lifecycle events', async () => {
    const [ok, revoked, canary] = events(await decodeFile('native.jsonl'));
    assert.equal(ok?.credential_key, 'cred-1');
    assert.equal(ok?.lifecycle, undefined);
    assert.equal(revoked?.lifecycle, 'token.revoked_use');
    assert.equal(canary?.lifecycle, 'canary.used');
    assert.equal(canary?.operation, 'lifecycle:canary.used');
  });

  it('rejects bad records with a reason and never echoes their content', () => {
    const decode = createRecordDecoder();
    const reasons = [
      '{"id":"x","time":"2026-03-01T00:00:00Z","credential_id":"c","source_ip":"999.1.1.1","outcome":"success"}',
      '{"id":"x","credential_id":"c","outcome":"success","time":"yesterday"}',
      '{"hello":"world"}',
      '{"credential_id":"c", "secret": "sk_live_abcdef',
      '[1,2]',
      'null',
      '42',
      '{"id":"x","time":"2026-03-01T00:00:00Z","source_ip":"203.0.113.9","outcome":"success","source_system":"gateway"}',
    ].map((text, i) => {
      const [d] = decode({ kind: 'line', text, line: i + 1 }, 'x.jsonl');
      return d?.outcome.kind === 'error' ? d.outcome.reason : d?.outcome.kind;
    });
    assert.deepEqual(reasons, [
      'source_ip is not an IP address',
      'native record without a readable time',
      'unknown record format (not CloudTrail, OCSF, Okta or native)',
      'not valid JSON (at column 48)',
      'record is not a JSON object',
      // Valid JSON that is no record, and a native record missing only its credential: said as such.
      'JSON null where a record (an object) was expected',
      'JSON number where a record (an object) was expected',
      'native record without credential_id',
    ]);
    assert.ok(!reasons.join(' ').includes('sk_live'));
  });

  it('forces one parser with an explicit format', () => {
    const decode = createRecordDecoder({ format: 'okta' });
    const [d] = decode(
      { kind: 'line', text: '{"id":"n","time":"2026-03-01T00:00:00Z","credential_id":"c","outcome":"success"}', line: 1 },
      'x',
    );
    assert.equal(d?.outcome.kind, 'error');
  });
});
