import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyOperationName } from '../../../src/engine/classify/operation-class.js';
import { switchesMonitoringOff } from '../../../src/engine/detectors/change-target.js';
import { createDetectionEngine, DEFAULT_DETECTION_CONFIG } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, DAY, type EventSpec, ev, HOUR, MIN, pages, run } from '../helpers/events.js';

// A key nobody in the logs has seen before (dormant for longer than they reach), replayed from a VPS: it looks
// around, then acts. Neither it nor its principal has a baseline, so no place or client can look new.
const dormant: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIADORMANT', principal: 'old-contractor', place: 'frankfurtVps', client: 'boto3' };
const RECON = ['sts:GetCallerIdentity', 'iam:ListUsers', 'iam:ListRoles', 's3:ListBuckets'];

function replay(steps: readonly string[], spec: Omit<EventSpec, 'at' | 'op'> = dormant, start = AFTER) {
  const engine = createDetectionEngine();
  run(engine, aliceHistory());
  return run(
    engine,
    steps.map((op, i) => ev({ ...spec, at: start + i * 2 * MIN, op })),
  );
}

function unbaselined(alerts: ReturnType<typeof replay>) {
  return byRule(alerts, 'attack_chain').filter((a) => a.evidence.kind === 'unbaselined_chain');
}

describe('detector: the unbaselined chain (no learned baseline to judge by)', () => {
  it('classifies only the operations that switch monitoring off as blinding, not those that tune it', () => {
    for (const op of [
      'cloudtrail:StopLogging',
      'cloudtrail:DeleteTrail',
      'guardduty:DeleteDetector',
      'config:StopConfigurationRecorder',
      'cloudwatch:DisableAlarmActions',
    ])
      assert.equal(classifyOperationName(op).blinds, true, op);
    for (const op of [
      'cloudtrail:PutEventSelectors',
      'logs:PutRetentionPolicy',
      'cloudwatch:DeleteAlarms',
      'iam:CreateUser',
      's3:ListBuckets',
    ])
      assert.equal(classifyOperationName(op).blinds, false, op);
    assert.equal(classifyOperationName('okta:system.log_stream.lifecycle.deactivate').blinds, true);
    assert.equal(classifyOperationName('okta:policy.rule.update').blinds, false);
    assert.equal(classifyOperationName('DELETE /v1/audit-logs/{id}').blinds, true);
    assert.equal(classifyOperationName('PATCH /v1/alerts/{id}').blinds, false);
  });

  it('a dormant key that looks around, makes a user and stops CloudTrail pages critical at the stop', () => {
    const alerts = replay([...RECON, 'iam:CreateUser', 'iam:AttachUserPolicy', 'cloudtrail:StopLogging']);
    const chain = unbaselined(alerts);
    assert.equal(chain.length, 1, JSON.stringify(alerts.map((a) => [a.rule, a.severity, a.summary])));
    const alert = chain[0]!;
    assert.equal(alert.severity, 'critical');
    assert.equal(alert.stage, 'defense_evasion');
    assert.equal(alert.credential, 'AKIADORMANT');
    assert.match(alert.summary, /no learned baseline/);
    assert.deepEqual(Object.keys(alert.evidence.stages_reached as object), ['persistence', 'defense_evasion']);
    assert.equal(alert.evidence.looked_around_at, new Date(AFTER).toISOString());
    assert.equal((alert.evidence.stages_reached as Record<string, string>).persistence, new Date(AFTER + 8 * MIN).toISOString());
    assert.equal((alert.evidence.baseline as { learned: boolean }).learned, false);
    // Before this change it never rose above medium: the privileged-change alerts are still there, and lower.
    assert.ok(byRule(alerts, 'privileged_change').every((a) => a.severity !== 'critical'));
  });

  it('blinding after looking around is high; the persistence that follows makes it critical, once each', () => {
    const alerts = replay([...RECON, 'guardduty:DeleteDetector', 'cloudtrail:DeleteTrail', 'iam:CreateLoginProfile', 'iam:CreateUser']);
    const chain = unbaselined(alerts);
    assert.deepEqual(
      chain.map((a) => [a.severity, a.evidence.advanced_by]),
      [
        ['high', 'guardduty:DeleteDetector'],
        ['critical', 'iam:CreateLoginProfile'],
      ],
    );
    assert.ok(pages(alerts).length >= 2);
  });

  it('looking around and making users without blinding anything is left to the privileged-change rule', () => {
    // An administrator onboarding people from a new key does exactly this.
    const alerts = replay([...RECON, 'iam:CreateUser', 'iam:CreateAccessKey', 'iam:AddUserToGroup']);
    assert.equal(unbaselined(alerts).length, 0);
  });

  it('over Tor, looking around and then creating access for another identity is high by itself', () => {
    const overTor = { ...dormant, place: 'torExit' } as const;
    const alerts = replay([...RECON, 'iam:CreateUser', 'iam:AttachUserPolicy', 'cloudtrail:StopLogging'], overTor);
    assert.deepEqual(
      unbaselined(alerts).map((a) => [a.severity, a.evidence.advanced_by, a.evidence.over_tor]),
      [
        ['high', 'iam:CreateUser', true],
        ['critical', 'cloudtrail:StopLogging', undefined],
      ],
    );
    assert.deepEqual(Object.keys(unbaselined(alerts)[0]!.evidence.stages_reached as object), ['persistence']);
    // Its own key is no access for another identity, nor is a refused attempt.
    assert.equal(unbaselined(replay([...RECON, 'iam:CreateAccessKey'], overTor)).length, 0);
    const engine = createDetectionEngine();
    const refused = run(engine, [
      ...RECON.map((op, i) => ev({ ...overTor, at: AFTER + i * MIN, op })),
      ev({ ...overTor, at: AFTER + 10 * MIN, op: 'iam:CreateUser', outcome: 'failure', error: 'AccessDenied' }),
    ]);
    assert.equal(unbaselined(refused).length, 0);
  });

  it('hard negative: Terraform deleting its own trail on a first apply does not chain', () => {
    const alerts = replay([...RECON, 'iam:CreateUser', 'cloudtrail:DeleteTrail'], { ...dormant, client: 'terraform' });
    assert.equal(unbaselined(alerts).length, 0);
    assert.equal(pages(alerts).length, 0);
  });

  it('hard negative: tuning a trail or alarms is not blinding it', () => {
    const alerts = replay([...RECON, 'cloudtrail:PutEventSelectors', 'cloudwatch:DeleteAlarms', 'logs:PutRetentionPolicy']);
    assert.equal(unbaselined(alerts).length, 0);
  });

  it('after looking around and reading data in bulk, a change to a trail or alarms counts as switching monitoring off', () => {
    // The simulator's dormant key in a first-party or OCSF log: no request parameters say what the selectors became.
    const reads = Array.from({ length: 12 }, (_, i) => ({ op: 's3:GetObject', resource: `customer-exports/2026/11/${i}.csv` }));
    const timeline = (
      steps: readonly { op: string; resource?: string; outcome?: 'failure' }[],
      spec = dormant,
      options?: Parameters<typeof createDetectionEngine>[0],
    ) => {
      const engine = createDetectionEngine(options);
      run(engine, aliceHistory());
      return run(
        engine,
        steps.map((s, i) =>
          ev({
            ...spec,
            at: AFTER + i * MIN,
            op: s.op,
            resource: s.resource,
            ...(s.outcome ? { outcome: s.outcome, error: 'AccessDenied' } : {}),
          }),
        ),
      );
    };
    const recon = RECON.map((op) => ({ op }));
    const alerts = timeline([...recon, ...reads, { op: 'iam:CreateUser' }, { op: 'cloudtrail:PutEventSelectors' }]);
    assert.deepEqual(
      unbaselined(alerts).map((a) => [a.severity, a.evidence.advanced_by, a.evidence.data_reads, a.evidence.created_access]),
      [['critical', 'cloudtrail:PutEventSelectors', 12, true]],
    );
    assert.match(unbaselined(alerts)[0]!.summary, /read data 12 times/);
    // Without the user, high at an alarm deleted.
    const blinded = timeline([...recon, ...reads, { op: 'cloudwatch:DeleteAlarms' }]);
    assert.deepEqual(
      unbaselined(blinded).map((a) => a.severity),
      ['high'],
    );
    // Hard negatives: a few reads (a new owner opening a config file or two), reads refused, reads before looking
    // around, or tooling that tunes the trail do not make the change blinding.
    assert.equal(unbaselined(timeline([...recon, ...reads.slice(0, 9), { op: 'cloudtrail:PutEventSelectors' }])).length, 0);
    const refused = reads.map((r) => ({ ...r, outcome: 'failure' as const }));
    assert.equal(unbaselined(timeline([...recon, ...refused, { op: 'cloudtrail:PutEventSelectors' }])).length, 0);
    assert.equal(unbaselined(timeline([...reads, { op: 'cloudtrail:PutEventSelectors' }])).length, 0);
    const terraform = { ...dormant, client: 'terraform' } as const;
    assert.equal(unbaselined(timeline([...recon, ...reads, { op: 'cloudtrail:PutEventSelectors' }], terraform)).length, 0);
    // The count is a setting.
    const strict = { chain: { ...DEFAULT_DETECTION_CONFIG.chain, unbaselinedBulkReads: 20 } };
    assert.equal(unbaselined(timeline([...recon, ...reads, { op: 'cloudtrail:PutEventSelectors' }], dormant, strict)).length, 0);
  });

  it('selectors that leave management events out, or a detector updated to disabled, switch monitoring off', () => {
    const withParams = (spec: Omit<EventSpec, 'at' | 'op'>, op: string, requestParameters: unknown, at: number) => {
      const e = ev({ ...spec, at, op });
      e.attributes = { requestParameters };
      return e;
    };
    const engine = createDetectionEngine();
    const tuned = run(engine, [
      ...RECON.map((op, i) => ev({ ...dormant, at: AFTER + i * MIN, op })),
      withParams(dormant, 'cloudtrail:PutEventSelectors', { eventSelectors: [{ includeManagementEvents: true }] }, AFTER + 10 * MIN),
      withParams(dormant, 'guardduty:UpdateDetector', { detectorId: 'd1', findingPublishingFrequency: 'SIX_HOURS' }, AFTER + 11 * MIN),
    ]);
    assert.equal(unbaselined(tuned).length, 0, 'tuning is not blinding');
    const selectorsOff = { eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: false }] };
    const blinded = run(engine, [withParams(dormant, 'cloudtrail:PutEventSelectors', selectorsOff, AFTER + 12 * MIN)]);
    assert.equal(unbaselined(blinded)[0]?.severity, 'high');
    const other = { ...dormant, cred: 'AKIAOTHER', principal: 'other-old-user' };
    const detectorOff = run(engine, [
      ev({ ...other, at: AFTER + 20 * MIN, op: 'guardduty:ListDetectors' }),
      withParams(other, 'guardduty:UpdateDetector', { detectorId: 'd1', enable: false }, AFTER + 21 * MIN),
    ]);
    assert.equal(unbaselined(detectorOff)[0]?.severity, 'high');
  });

  it('reads hostile or malformed request parameters as "not switched off", never throwing', () => {
    const selectors = classifyOperationName('cloudtrail:PutEventSelectors');
    const detector = classifyOperationName('guardduty:UpdateDetector');
    const off = (cls: ReturnType<typeof classifyOperationName>, requestParameters: unknown) =>
      switchesMonitoringOff({ ...ev({ ...dormant, at: AFTER, op: cls.name }), attributes: { requestParameters } }, cls);
    for (const params of [
      null,
      'text',
      [],
      { eventSelectors: [] },
      { eventSelectors: 'all' },
      { eventSelectors: [null, 5, 'x'] },
      { eventSelectors: [{ includeManagementEvents: 'false' }] },
      { eventSelectors: [{ includeManagementEvents: false }, { includeManagementEvents: true }] },
      { eventSelectors: { length: 1, 0: { includeManagementEvents: false } } },
      { constructor: { includeManagementEvents: false } },
    ])
      assert.equal(off(selectors, params), false, JSON.stringify(params));
    for (const params of [{ enable: 'false' }, { enable: 0 }, { enable: null }, { Enable: false }, []])
      assert.equal(off(detector, params), false, JSON.stringify(params));
  });

  it('a refused stop is intent, not a blinded account: no chain; nor does blinding with no look around first', () => {
    const engine = createDetectionEngine();
    const refused = run(engine, [
      ...RECON.map((op, i) => ev({ ...dormant, at: AFTER + i * MIN, op })),
      ev({ ...dormant, at: AFTER + 10 * MIN, op: 'cloudtrail:StopLogging', outcome: 'failure', error: 'AccessDenied' }),
    ]);
    assert.equal(unbaselined(refused).length, 0);
    const blindFirst = run(createDetectionEngine(), [
      ev({ ...dormant, at: AFTER, op: 'cloudtrail:StopLogging' }),
      ev({ ...dormant, at: AFTER + MIN, op: 'iam:ListUsers' }),
    ]);
    assert.equal(unbaselined(blindFirst).length, 0);
  });

  it('steps further apart than the chain window do not join', () => {
    const engine = createDetectionEngine();
    const alerts = run(engine, [
      ev({ ...dormant, at: AFTER, op: 'sts:GetCallerIdentity' }),
      ev({ ...dormant, at: AFTER + 8 * DAY, op: 'cloudtrail:StopLogging' }),
      ev({ ...dormant, at: AFTER + 8 * DAY + HOUR, op: 'iam:ListUsers' }),
      ev({ ...dormant, at: AFTER + 8 * DAY + 2 * HOUR, op: 'guardduty:DeleteDetector' }),
    ]);
    // The 8-day gap expires the first look around; the later one comes after the stop, and the detector
    // deletion is the same blinding stage, already reached in this window.
    assert.equal(unbaselined(alerts).length, 0);
  });

  it('a credential with a learned baseline is judged by the regular chain, not this one', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ...RECON.map((op, i) =>
        ev({ cred: 'AKIAALICE', principal: 'alice', place: 'londonOffice', client: 'chromeMac', at: AFTER + i * MIN, op }),
      ),
      ev({
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonOffice',
        client: 'chromeMac',
        at: AFTER + 10 * MIN,
        op: 'cloudtrail:StopLogging',
      }),
    ]);
    assert.equal(unbaselined(alerts).length, 0);
  });
});
