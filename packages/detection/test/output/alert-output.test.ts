import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createAlertFormatter, toNativeAlert, toOcsfDetectionFinding } from '../../src/output/alert-output.js';

const alert: Alert = {
  id: 'alr_01',
  time: '2026-03-01T10:01:00.000Z',
  credential: 'AKIAEXAMPLEALICE0001',
  principal: 'arn:aws:iam::111122223333:user/alice',
  rule: 'privileged_change',
  severity: 'high',
  score: 82.5,
  stage: 'persistence',
  summary: 'iam:CreateAccessKey by a key that never created keys',
  evidence: { operation: 'iam:CreateAccessKey', baseline_days: 30 },
  event_ids: ['ct-evt-2'],
};

describe('native output', () => {
  it('prints the pinned fields first, principal always present', () => {
    const line = createAlertFormatter('native', { version: '0.1.0' })(alert);
    assert.deepEqual(Object.keys(JSON.parse(line)).slice(0, 10), [
      'id',
      'time',
      'credential',
      'principal',
      'rule',
      'severity',
      'score',
      'stage',
      'summary',
      'evidence',
    ]);
    const { principal: _p, ...noPrincipal } = alert;
    // A bare key in an nginx line: the credential stands for itself, a string as the schema types it.
    assert.equal(toNativeAlert(noPrincipal).principal, alert.credential);
  });
});

describe('OCSF Detection Finding', () => {
  it('reads the risk level from the calibrated severity, never from the raw score', () => {
    // 35 is under the medium threshold (40): a low alert is a low risk, and a capped novelty at 64 is medium.
    for (const [severity, score, id] of [
      ['low', 35, 1],
      ['medium', 64, 2],
      ['high', 70, 3],
      ['critical', 92, 4],
    ] as const) {
      const f = toOcsfDetectionFinding({ ...alert, severity, score }, { version: '0.1.0' });
      assert.equal(f.risk_level_id, id, `${severity} ${score}`);
      assert.equal(f.severity_id, id + 1, `${severity} ${score}`);
    }
  });

  it('maps class, severity, time, finding_info and carries our fields', () => {
    const f = toOcsfDetectionFinding(alert, { version: '0.1.0' });
    assert.equal(f.class_uid, 2004);
    assert.equal(f.category_uid, 2);
    assert.equal(f.activity_id, 1);
    assert.equal(f.type_uid, 200401);
    assert.equal(f.severity_id, 4);
    assert.equal(f.time, Date.parse(alert.time));
    assert.equal(f.risk_level_id, 3);
    assert.equal(f.risk_level, 'High');
    assert.deepEqual(f.finding_info, {
      uid: 'alr_01',
      title: 'privileged_change',
      desc: alert.summary,
      types: ['privileged_change', 'persistence'],
      first_seen_time: Date.parse(alert.time),
      last_seen_time: Date.parse(alert.time),
      attacks: [{ tactic: { uid: 'TA0003', name: 'Persistence' }, version: '14' }],
      related_events: [{ uid: 'ct-evt-2' }],
    });
    assert.deepEqual((f.actor as { session: unknown }).session, { credential_uid: alert.credential });
    const unmapped = f.unmapped as Record<string, unknown>;
    assert.equal(unmapped.credential, alert.credential);
    assert.deepEqual(unmapped.evidence, alert.evidence);
    assert.equal((f.metadata as { product: { name: string } }).product.name, 'TokenWarden');
  });

  it('maps every severity to its OCSF id', () => {
    const ids = (['low', 'medium', 'high', 'critical'] as const).map(
      (severity) => toOcsfDetectionFinding({ ...alert, severity }, { version: 'x' }).severity_id,
    );
    assert.deepEqual(ids, [2, 3, 4, 5]);
  });
});
