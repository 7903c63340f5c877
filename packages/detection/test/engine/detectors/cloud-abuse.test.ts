import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ABUSE_COMPUTE_LAUNCH, ABUSE_NONE } from '../../../src/engine/classify/abuse-catalog.js';
import { classifyOperationName } from '../../../src/engine/classify/operation-class.js';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, aliceHistory, byRule, DAY, type EventSpec, ev, HOUR, MIN, pages, run, T0, workdays } from '../helpers/events.js';

// A key nobody in the logs has seen before, replayed from a VPS by a script: nothing about it can look new.
const leaked: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIALEAKED', principal: 'ci-legacy', place: 'frankfurtVps', client: 'boto3' };

interface Step {
  op: string;
  region?: string;
  params?: Record<string, unknown>;
  error?: string;
  interactive?: boolean;
}

function events(steps: readonly Step[], spec: Omit<EventSpec, 'at' | 'op'> = leaked, start = AFTER, gapMs = MIN): EnrichedEvent[] {
  return steps.map((s, i) => {
    const e = ev({
      ...spec,
      at: start + i * gapMs,
      op: s.op,
      ...(s.error ? { error: s.error, outcome: 'failure' as const } : {}),
      ...(s.interactive !== undefined ? { interactive: s.interactive } : {}),
    });
    e.attributes = { aws_region: s.region ?? 'us-east-1', ...(s.params ? { requestParameters: s.params } : {}) };
    return e;
  });
}

function replay(steps: readonly Step[], spec: Omit<EventSpec, 'at' | 'op'> = leaked) {
  const engine = createDetectionEngine();
  run(engine, aliceHistory());
  return run(engine, events(steps, spec));
}

function abuse(alerts: ReturnType<typeof replay>) {
  return byRule(alerts, 'attack_chain').filter((a) => a.evidence.kind === 'cloud_abuse');
}

const RECON: Step[] = [{ op: 'sts:GetCallerIdentity' }, { op: 'ec2:DescribeRegions' }];
const launch = (region: string, instanceType = 't3.large', error?: string): Step => ({
  op: 'ec2:RunInstances',
  region,
  params: { instanceType, instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 20 }] } },
  ...(error ? { error } : {}),
});
const s3 = (op: string, params: Record<string, unknown>): Step => ({ op, params: { bucketName: 'payroll', ...params } });

describe('detector: cloud abuse (what a leaked key is stolen for)', () => {
  it('catalogues the playbook calls, including versioned action names, and nothing else', () => {
    assert.equal(classifyOperationName('ec2:RunInstances').abuse, ABUSE_COMPUTE_LAUNCH);
    assert.notEqual(classifyOperationName('bedrock:InvokeModel').abuse, ABUSE_NONE);
    assert.notEqual(classifyOperationName('ses:UpdateAccountSendingEnabled').abuse, ABUSE_NONE);
    for (const op of ['ec2:DescribeInstances', 'iam:CreateUser', 's3:GetObject', 'GET /v1/me', 'okta:user.session.start'])
      assert.equal(classifyOperationName(op).abuse, ABUSE_NONE, op);
  });

  it('compute launched in a third region within the window pages high, once, naming the regions', () => {
    const alerts = replay([
      ...RECON,
      launch('us-east-1'),
      launch('eu-west-1', 't3.large', 'Server.InsufficientInstanceCapacity'),
      launch('us-east-1'),
      launch('ap-southeast-1'),
      launch('sa-east-1'),
    ]);
    const found = abuse(alerts);
    assert.equal(found.length, 1, JSON.stringify(alerts.map((a) => [a.rule, a.severity, a.summary])));
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.evidence.playbook, 'compute_hijack');
    assert.deepEqual(found[0]!.evidence.regions, ['us-east-1', 'eu-west-1', 'ap-southeast-1']);
    assert.equal(found[0]!.evidence.advanced_by, 'ec2:RunInstances');
    assert.equal(found[0]!.time, new Date(AFTER + 5 * MIN).toISOString());
  });

  it('the sweep takes its region count and window from the config (cloudAbuse), and says so in its evidence', () => {
    const sweep = [...RECON, launch('us-east-1'), launch('eu-west-1'), launch('ap-southeast-1'), launch('sa-east-1')];
    const engine = createDetectionEngine({ cloudAbuse: { computeRegions: 5 } } as never);
    run(engine, aliceHistory());
    assert.deepEqual(abuse(run(engine, events(sweep))), []);
    const strict = createDetectionEngine({ cloudAbuse: { computeRegions: 2, windowHours: 1 } } as never);
    run(strict, aliceHistory());
    const found = abuse(run(strict, events(sweep)));
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.evidence.regions, ['us-east-1', 'eu-west-1']);
    assert.equal((found[0]!.evidence.thresholds as Record<string, unknown>).compute_regions, 2);
    assert.equal((found[0]!.evidence.thresholds as Record<string, unknown>).window_hours, 1);
  });

  it('GPU instances in two regions, or in one after a quota increase, page', () => {
    assert.equal(abuse(replay([launch('us-east-1', 'g4dn.12xlarge'), launch('us-west-2', 'g4dn.12xlarge')]))[0]?.severity, 'high');
    const quota = abuse(
      replay([
        { op: 'servicequotas:RequestServiceQuotaIncrease', params: { quotaCode: 'L-DB2E81BA' } },
        launch('us-east-1', 'p3.16xlarge'),
      ]),
    );
    assert.equal(quota[0]?.evidence.accelerated_instance_type, 'p3.16xlarge');
  });

  it('names the instance type that launched, not one the quota refused first', () => {
    // A miner asks for the biggest GPU boxes first; the vCPU quota refuses them and the smaller ones launch.
    const gpus = (region: string, instanceType: string, error?: string): Step => ({
      op: 'ec2:RunInstances',
      region,
      params: { instanceType, instancesSet: { items: [{ imageId: 'ami-1', minCount: 2, maxCount: 2 }] } },
      ...(error ? { error } : {}),
    });
    const found = abuse(
      replay([
        gpus('us-east-1', 'p3.16xlarge', 'Client.VcpuLimitExceeded'),
        gpus('us-east-1', 'g4dn.12xlarge'),
        gpus('us-west-2', 'g4dn.12xlarge'),
      ]),
    );
    assert.equal(found[0]?.evidence.accelerated_instance_type, 'g4dn.12xlarge', found[0]?.summary);
    assert.equal(found[0]?.evidence.accelerated_instance_type_refused, undefined);
    const onlyRefused = abuse(
      replay([gpus('us-east-1', 'p3.16xlarge', 'Client.VcpuLimitExceeded'), gpus('us-west-2', 'p3.16xlarge', 'Client.VcpuLimitExceeded')]),
    );
    assert.equal(onlyRefused[0]?.evidence.accelerated_instance_type_refused, true);
    assert.match(onlyRefused[0]?.summary ?? '', /p3\.16xlarge, refused/);
  });

  it('a fleet asked for in one region pages: ten GPU instances (refused too), or twenty large ones', () => {
    // Stratus Red Team's ec2-launch-unusual-instances: ten p2.xlarge, refused by an explicit deny.
    const gpu = (count: number, error?: string): Step => ({
      op: 'ec2:RunInstances',
      params: { instanceType: 'p2.xlarge', instancesSet: { items: [{ imageId: 'ami-1', minCount: count, maxCount: count }] } },
      ...(error ? { error } : {}),
    });
    const refused = abuse(replay([{ op: 'sts:GetCallerIdentity' }, gpu(10, 'Client.UnauthorizedOperation')]));
    assert.equal(refused[0]?.severity, 'high');
    assert.equal(refused[0]?.evidence.accelerated_instances, 10);
    const cpu = abuse(
      replay([
        {
          op: 'ec2:RunInstances',
          region: 'eu-north-1',
          params: { instanceType: 'c5.24xlarge', instancesSet: { items: [{ minCount: 20, maxCount: 20 }] } },
        },
      ]),
    );
    assert.equal(cpu[0]?.evidence.large_instances, 20);
    assert.deepEqual(cpu[0]?.evidence.regions, ['eu-north-1']);
    // A spot request counts its instances the same way.
    const spot = abuse(
      replay([{ op: 'ec2:RequestSpotInstances', params: { instanceCount: 6, launchSpecification: { instanceType: 'g5.12xlarge' } } }]),
    );
    assert.equal(spot[0]?.evidence.playbook, 'compute_hijack');
  });

  it('hard negatives in one region: a person trying one or two GPU boxes, a few large instances, many small ones', () => {
    const one = (instanceType: string, count: number): Step => ({
      op: 'ec2:RunInstances',
      params: { instanceType, instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: count }] } },
    });
    assert.equal(abuse(replay([...RECON, one('g5.xlarge', 1), one('g5.2xlarge', 2)])).length, 0);
    assert.equal(abuse(replay([...RECON, one('c5.24xlarge', 3), one('m6i.metal', 2)])).length, 0);
    assert.equal(abuse(replay([...RECON, one('t3.micro', 50)])).length, 0);
  });

  it('hard negatives: one region, Terraform across regions, a service acting for the key', () => {
    assert.equal(abuse(replay([...RECON, ...Array.from({ length: 10 }, () => launch('eu-west-1'))])).length, 0);
    assert.equal(
      abuse(replay([launch('us-east-1'), launch('eu-west-1'), launch('ap-south-1')], { ...leaked, client: 'terraform' })).length,
      0,
    );
    // A Packer build launches a builder instance in each region it makes the image for.
    const packer = events([launch('us-east-1'), launch('eu-west-1'), launch('ap-south-1')]);
    for (const e of packer) e.client = { family: 'packer', os: 'Linux', scripted: true };
    assert.equal(abuse(run(createDetectionEngine(), packer)).length, 0);
    const byService = events([launch('us-east-1'), launch('eu-west-1'), launch('ap-south-1')]);
    for (const e of byService) e.attributes = { ...e.attributes, invoked_by: 'autoscaling.amazonaws.com' };
    const engine = createDetectionEngine();
    assert.equal(abuse(run(engine, byService)).length, 0);
  });

  it('a learned fleet manager launching in its usual regions is at work; a learned person who never launched is not', () => {
    const engine = createDetectionEngine();
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    const history = [
      ...workdays({
        cred: 'AKIAFLEET',
        principal: 'fleet-bot',
        days: 30,
        perDay: 6,
        places: ['awsVirginia'],
        client: 'boto3',
        ops: ['ec2:RunInstances', 'ec2:DescribeInstances'],
      }),
    ];
    history.forEach((e, i) => {
      e.attributes = { aws_region: regions[i % 3]! };
    });
    run(engine, history);
    const fleet = { cred: 'AKIAFLEET', principal: 'fleet-bot', place: 'awsVirginia' as const, client: 'boto3' as const };
    assert.equal(abuse(run(engine, events([launch('us-east-1'), launch('eu-west-1'), launch('ap-southeast-2')], fleet))).length, 0);

    run(engine, aliceHistory());
    const alice = { cred: 'AKIAALICE', principal: 'alice', place: 'londonHome' as const, client: 'awsCliMac' as const };
    const stolen = abuse(run(engine, events([launch('us-east-1'), launch('eu-west-1'), launch('ap-southeast-2')], alice, AFTER + DAY)));
    assert.equal(stolen[0]?.severity, 'high');
    assert.equal((stolen[0]?.evidence.baseline as { learned: boolean } | undefined)?.learned, true);
  });

  it('LLM-jacking: invoking after checking invocation logging, after enabling models by script, or across regions', () => {
    const checked = abuse(
      replay([
        { op: 'sts:GetCallerIdentity' },
        { op: 'bedrock:ListFoundationModels' },
        { op: 'bedrock:GetModelInvocationLoggingConfiguration' },
        { op: 'bedrock:InvokeModel', error: 'ValidationException' },
      ]),
    );
    assert.equal(checked[0]?.evidence.playbook, 'llm_hijack');
    assert.equal(checked[0]?.severity, 'high');
    assert.equal(abuse(replay([{ op: 'bedrock:PutUseCaseForModelAccess' }, { op: 'bedrock:InvokeModel' }])).length, 1);
    // The region sweep: a deliberately invalid request in each, refused where models are enabled or not.
    const sweep = ['us-east-1', 'us-west-2', 'eu-central-1'].map((region, i) => ({
      op: 'bedrock:InvokeModelWithResponseStream',
      region,
      ...(i === 0 ? {} : { error: i === 1 ? 'ValidationException' : 'AccessDeniedException' }),
    }));
    const regions = abuse(replay(sweep));
    assert.deepEqual(regions[0]?.evidence.regions, ['us-east-1', 'us-west-2', 'eu-central-1']);
    assert.deepEqual(regions[0]?.evidence.refused_in, ['us-west-2', 'eu-central-1']);
  });

  it('hard negatives: a new app invoking one region all day; an administrator enabling models in the console', () => {
    assert.equal(abuse(replay(Array.from({ length: 40 }, () => ({ op: 'bedrock:Converse', region: 'us-west-2' })))).length, 0);
    // An application falling back to other regions when throttled.
    const fallback = ['us-east-1', 'us-west-2', 'eu-central-1'].flatMap((region) => [
      { op: 'bedrock:Converse', region, error: 'ThrottlingException' },
      { op: 'bedrock:Converse', region },
    ]);
    assert.equal(abuse(replay(fallback)).length, 0);
    const admin = { ...leaked, client: 'chromeMac' as const, place: 'londonOffice' as const };
    assert.equal(
      abuse(
        replay(
          [
            { op: 'bedrock:PutUseCaseForModelAccess', interactive: true },
            { op: 'bedrock:InvokeModel', interactive: true },
          ],
          admin,
        ),
      ).length,
      0,
    );
    // Blind OCSF test #7: the same from a browser, in a mapping that carries no console flag, read as "by a script".
    assert.equal(
      abuse(replay([{ op: 'bedrock:PutFoundationModelEntitlement' }, { op: 'bedrock:GetModelInvocationLoggingConfiguration' }], admin))
        .length,
      0,
    );
    assert.equal(
      abuse(replay([{ op: 'bedrock:PutFoundationModelEntitlement' }, { op: 'bedrock:GetModelInvocationLoggingConfiguration' }])).length,
      1,
    );
    // Blind test #12: an administrator opens the Bedrock settings in the console (which reads the logging
    // configuration), switches logging on and tries a model. The same calls from a script are the thief's.
    const consoleSetup: Step[] = [
      { op: 'bedrock:ListFoundationModels' },
      { op: 'bedrock:GetModelInvocationLoggingConfiguration' },
      { op: 'bedrock:PutModelInvocationLoggingConfiguration' },
      { op: 'bedrock:InvokeModel' },
    ];
    assert.equal(abuse(replay(consoleSetup, admin)).length, 0);
    assert.equal(abuse(replay(consoleSetup)).length, 1);
  });

  it('mail abuse: sending switched on by a script after reading the quota; not a new mailer verifying its sender', () => {
    const spam = abuse(replay([{ op: 'ses:GetSendQuota' }, { op: 'ses:UpdateAccountSendingEnabled', params: { enabled: true } }]));
    assert.equal(spam[0]?.evidence.playbook, 'mail_abuse');
    assert.equal(
      abuse(replay([{ op: 'ses:ListIdentities' }, { op: 'ses:PutAccountDetails', params: { mailType: 'MARKETING' } }])).length,
      1,
    );
    assert.equal(
      abuse(replay([{ op: 'ses:GetSendQuota' }, { op: 'ses:VerifyEmailIdentity', params: { emailAddress: 'noreply@acme.io' } }])).length,
      0,
    );
    // A setup script turning sending on, with nothing read or verified first, is left alone.
    assert.equal(abuse(replay([{ op: 'ses:UpdateAccountSendingEnabled', params: { enabled: true } }])).length, 0);
    // Pausing sending is what a responder does.
    assert.equal(
      abuse(replay([{ op: 'ses:GetSendQuota' }, { op: 'ses:UpdateAccountSendingEnabled', params: { enabled: false } }])).length,
      0,
    );
  });

  it('ransom: versioning suspended then objects deleted; objects re-encrypted with SSE-C under an expiry rule', () => {
    const wiped = abuse(
      replay([
        s3('s3:PutBucketVersioning', { VersioningConfiguration: { Status: 'Suspended' } }),
        ...Array.from({ length: 12 }, (_, i) => s3('s3:DeleteObject', { key: `2026/${i}.csv` })),
      ]),
    );
    assert.equal(wiped.length, 1);
    assert.equal(wiped[0]?.evidence.playbook, 'data_ransom');
    assert.equal(wiped[0]?.evidence.deleted_objects, 10);
    const sseC = abuse(
      replay([
        ...Array.from({ length: 6 }, (_, i) =>
          s3('s3:CopyObject', { key: `db/${i}.bak`, 'x-amz-server-side-encryption-customer-algorithm': 'AES256' }),
        ),
        s3('s3:PutBucketLifecycleConfiguration', { LifecycleConfiguration: { Rule: { Status: 'Enabled', Expiration: { Days: 7 } } } }),
      ]),
    );
    assert.equal(sseC[0]?.evidence.sse_c_objects, 6);
    // The same through SDK-shaped parameters.
    const sdk = abuse(
      replay([
        ...Array.from({ length: 5 }, (_, i) => s3('s3:CopyObject', { key: `db/${i}.bak`, SSECustomerAlgorithm: 'AES256' })),
        s3('s3:PutBucketLifecycle', { LifecycleConfiguration: { Rule: [{ Expiration: { Days: 1 } }] } }),
      ]),
    );
    assert.equal(sdk[0]?.evidence.playbook, 'data_ransom');
  });

  it('hard negatives: a cleanup deleting objects, deletes with versioning kept on, plain uploads under an expiry rule', () => {
    assert.equal(abuse(replay(Array.from({ length: 60 }, (_, i) => s3('s3:DeleteObjects', { key: `tmp/${i}` })))).length, 0);
    // A cleanup that runs before versioning is suspended destroys nothing versioning would have kept.
    const cleanupFirst = [
      ...Array.from({ length: 12 }, (_, i) => s3('s3:DeleteObject', { key: `tmp/${i}` })),
      s3('s3:PutBucketVersioning', { VersioningConfiguration: { Status: 'Suspended' } }),
    ];
    assert.equal(abuse(replay(cleanupFirst)).length, 0);
    const versioned = [
      s3('s3:PutBucketVersioning', { VersioningConfiguration: { Status: 'Enabled' } }),
      ...Array.from({ length: 20 }, (_, i) => s3('s3:DeleteObject', { key: `${i}` })),
    ];
    assert.equal(abuse(replay(versioned)).length, 0);
    const uploads = [
      ...Array.from({ length: 20 }, (_, i) => s3('s3:PutObject', { key: `logs/${i}` })),
      s3('s3:PutBucketLifecycleConfiguration', { LifecycleConfiguration: { Rule: { Expiration: { Days: 30 } } } }),
    ];
    assert.equal(abuse(replay(uploads)).length, 0);
  });

  it('object versions deleted for good from outside AWS: listed then removed one by one, or in batches', () => {
    const listed = s3('s3:ListBucketVersions', {});
    const oneByOne = abuse(
      replay([listed, ...Array.from({ length: 12 }, (_, i) => s3('s3:DeleteObject', { key: `db/${i}.csv`, versionId: `v${i}` }))]),
    );
    assert.equal(oneByOne.length, 1);
    assert.equal(oneByOne[0]?.evidence.playbook, 'data_ransom');
    assert.equal(oneByOne[0]?.evidence.versions_destroyed, 10);
    // Without the listing, the versioned deletes open the window themselves.
    const unlisted = abuse(replay(Array.from({ length: 10 }, (_, i) => s3('s3:DeleteObject', { key: `db/${i}.csv`, versionId: `v${i}` }))));
    assert.equal(unlisted[0]?.severity, 'high');
    // CloudTrail does not log which versions a multi-object delete removed: after listing them, a batch counts as ten.
    const batch = abuse(replay([listed, s3('s3:DeleteObjects', { delete: '' })]));
    assert.equal(batch[0]?.evidence.playbook, 'data_ransom');
  });

  it('hard negatives: a job inside AWS or on the office backup server purging old versions; batch deletes without listing versions', () => {
    const inside = { ...leaked, place: 'awsVirginia' as const };
    const office = { ...leaked, place: 'londonOffice' as const };
    const purge = [
      s3('s3:ListBucketVersions', {}),
      ...Array.from({ length: 30 }, (_, i) => s3('s3:DeleteObject', { key: `tmp/${i}`, versionId: `v${i}` })),
    ];
    assert.equal(abuse(replay(purge, inside)).length, 0);
    assert.equal(abuse(replay(purge, office)).length, 0);
    assert.equal(abuse(replay(Array.from({ length: 5 }, () => s3('s3:DeleteObjects', { delete: '' })))).length, 0);
  });

  it('a ransom note uploaded beside rewritten data pages (client-side encryption leaves only plain uploads in the log)', () => {
    const rewritten = Array.from({ length: 20 }, (_, i) => s3('s3:PutObject', { key: `data/${i}.csv` }));
    const found = abuse(replay([...rewritten, s3('s3:PutObject', { key: 'FILES-ENCRYPTED.txt' })]));
    assert.equal(found.length, 1);
    assert.equal(found[0]?.evidence.playbook, 'data_ransom');
    assert.equal(found[0]?.evidence.ransom_note, true);
    assert.match(found[0]!.summary, /^data held for ransom/);
    for (const key of ['backups/README_TO_DECRYPT.html', 'HOW-TO-RECOVER-YOUR-FILES.txt']) {
      assert.equal(abuse(replay([s3('s3:PutObject', { key })]))[0]?.evidence.playbook, 'data_ransom', key);
    }
  });

  it('hard negatives: documents about restoring backups, encrypted archives, a refused note', () => {
    for (const key of [
      'docs/restore-procedure.md',
      'backups/2026-10-01.tar.gz.encrypted',
      'README.txt',
      'keys/decryption-key-rotation.pdf',
    ]) {
      assert.equal(abuse(replay([s3('s3:PutObject', { key })])).length, 0, key);
    }
    assert.equal(abuse(replay([{ ...s3('s3:PutObject', { key: 'FILES-ENCRYPTED.txt' }), error: 'AccessDenied' }])).length, 0);
  });

  it('a snapshot, image or database snapshot made public pages at once, even as the key’s first call', () => {
    const shares: Step[] = [
      {
        op: 'ec2:ModifySnapshotAttribute',
        params: { snapshotId: 'snap-1', createVolumePermission: { add: { items: [{ group: 'all' }] } } },
      },
      { op: 'ec2:ModifyImageAttribute', params: { imageId: 'ami-1', launchPermission: { add: { items: [{ group: 'all' }] } } } },
      { op: 'rds:ModifyDBSnapshotAttribute', params: { dBSnapshotIdentifier: 'prod', attributeName: 'restore', valuesToAdd: ['all'] } },
    ];
    for (const share of shares) {
      const [found] = abuse(replay([share]));
      assert.equal(found?.evidence.playbook, 'public_share', share.op);
      assert.equal(found?.severity, 'high');
      assert.equal(
        (found?.evidence.baseline as { credential_first_seen: string } | undefined)?.credential_first_seen,
        new Date(AFTER).toISOString(),
      );
    }
    // Shared with one named account (a backup account), or made private again: not this playbook.
    const named = {
      op: 'ec2:ModifySnapshotAttribute',
      params: { createVolumePermission: { add: { items: [{ userId: '111122223333' }] } } },
    };
    const removed = { op: 'ec2:ModifyImageAttribute', params: { launchPermission: { remove: { items: [{ group: 'all' }] } } } };
    assert.equal(abuse(replay([named, removed])).length, 0);
  });

  it('a step that arrives late, out of event-time order, still joins the window', () => {
    const engine = createDetectionEngine();
    const [first, second, third] = [launch('us-east-1'), launch('eu-west-1'), launch('ap-south-1')].map(
      (s, i) => events([s], leaked, AFTER + i * 10 * MIN)[0]!,
    );
    run(engine, [second!]);
    // The first launch is delivered after the second (a late file), then the third completes the sweep.
    const late = { ...first!, late: true };
    assert.equal(abuse(run(engine, [late, third!])).length, 1);
  });

  it('steps more than the window apart do not join, and each playbook is reported once per window', () => {
    const engine = createDetectionEngine();
    const spread = [launch('us-east-1'), launch('eu-west-1'), launch('ap-south-1')].flatMap((s, i) =>
      events([s], leaked, T0 + i * 7 * HOUR),
    );
    assert.equal(abuse(run(engine, spread)).length, 0);
    const both = replay([
      launch('us-east-1'),
      launch('eu-west-1'),
      launch('ap-south-1'),
      launch('ca-central-1'),
      { op: 'ses:GetSendQuota' },
      { op: 'ses:UpdateAccountSendingEnabled' },
      { op: 'ses:PutAccountDetails' },
    ]);
    assert.deepEqual(
      abuse(both).map((a) => a.evidence.playbook),
      ['compute_hijack', 'mail_abuse'],
    );
    assert.ok(pages(both).length >= 2);
  });

  it('malformed parameters and attributes read as "not a step" and never throw', () => {
    const odd: unknown[] = [null, 'Suspended', ['x'], 42, { VersioningConfiguration: 'Suspended' }, { VersioningConfiguration: null }];
    const engine = createDetectionEngine();
    for (const [i, params] of odd.entries()) {
      for (const op of [
        's3:PutBucketVersioning',
        's3:CopyObject',
        'ec2:RunInstances',
        'ses:UpdateAccountSendingEnabled',
        's3:PutBucketLifecycle',
      ]) {
        const e = ev({ ...leaked, at: AFTER + i * MIN, op });
        e.attributes = { requestParameters: params, aws_region: i % 2 === 0 ? 42 : ['us-east-1'], sse_applied: { v: 1 } };
        assert.doesNotThrow(() => run(engine, [e]), `${op} ${JSON.stringify(params)}`);
      }
    }
  });
});
