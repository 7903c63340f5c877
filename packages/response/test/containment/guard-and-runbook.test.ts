import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, cloudRemediationRunbook, DEFAULT_AUTO_POLICY, ResponderGuard, renderRunbook } from '@tokenwarden/response';
import { ev } from '../fakes.js';

describe('responder guard', () => {
  it('caps automatic actions per rolling minute and honours the allowlist', () => {
    const g = new ResponderGuard({ maxAutoActionsPerMinute: 2, allowlist: { credentials: ['breakglass'], principals: ['root'] } });
    assert.deepEqual(g.admit({ credential: 'breakglass' }, 0).allowed, false);
    assert.deepEqual(g.admit({ principal: 'root' }, 0).allowed, false);
    assert.ok(g.admit({ credential: 'a' }, 1000).allowed);
    assert.ok(g.admit({ credential: 'b' }, 2000).allowed);
    const third = g.admit({ credential: 'c' }, 3000);
    assert.equal(third.allowed, false);
    assert.equal(!third.allowed && third.reason, 'rate_limited');
    assert.ok(g.admit({ credential: 'c' }, 61_001).allowed, 'the window rolls');
  });

  it('maps severity and kind to actions', () => {
    const base = {
      id: 'i',
      credential_id: 'c',
      status: 'open' as const,
      risk_score: 90,
      stage: 'persistence' as const,
      opened_at: '',
      updated_at: '',
      first_event_at: '',
      alert_ids: [],
      related_credential_ids: [],
      timeline: [],
    };
    assert.ok(actionsFor(DEFAULT_AUTO_POLICY, { ...base, severity: 'critical' }).includes('revoke'));
    assert.deepEqual(actionsFor(DEFAULT_AUTO_POLICY, { ...base, severity: 'high' }), [], 'high pages a human');
    const eager = {
      ...DEFAULT_AUTO_POLICY,
      rules: [...DEFAULT_AUTO_POLICY.rules, { min_severity: 'high' as const, actions: ['block_credential' as const] }],
    };
    assert.deepEqual(actionsFor(eager, { ...base, severity: 'high' }), ['block_credential']);
    assert.deepEqual(
      actionsFor(
        {
          ...DEFAULT_AUTO_POLICY,
          rules: [{ min_severity: 'low', credential_kinds: ['service_account_token'], actions: ['rotate_service_account'] }],
        },
        { ...base, severity: 'critical' },
        'api_key',
      ),
      [],
    );
    assert.deepEqual(actionsFor(DEFAULT_AUTO_POLICY, { ...base, severity: 'medium' }), []);
    assert.deepEqual(actionsFor({ ...DEFAULT_AUTO_POLICY, enabled: false }, { ...base, severity: 'critical' }), []);
  });
});

describe('cloud remediation runbook', () => {
  it('restores logging first, then removes persistence, then disables the stolen key', () => {
    const events = [
      ev({
        id: 'c1',
        time: '2026-11-02T03:01:00Z',
        source_system: 'cloudtrail',
        operation: 'iam:CreateUser',
        attributes: { requestParameters: { userName: 'backup-admin' } },
      }),
      ev({
        id: 'c2',
        time: '2026-11-02T03:02:00Z',
        source_system: 'cloudtrail',
        operation: 'iam:CreateAccessKey',
        attributes: {
          requestParameters: { userName: 'backup-admin' },
          responseElements: { accessKey: { accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', userName: 'backup-admin' } },
        },
      }),
      ev({
        id: 'c3',
        time: '2026-11-02T03:03:00Z',
        source_system: 'cloudtrail',
        operation: 'iam:AttachUserPolicy',
        attributes: { requestParameters: { userName: 'backup-admin', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
      }),
      ev({
        id: 'c4',
        time: '2026-11-02T03:04:00Z',
        source_system: 'cloudtrail',
        operation: 'cloudtrail:StopLogging',
        attributes: { requestParameters: { name: 'org-trail' } },
      }),
      ev({
        id: 'c5',
        time: '2026-11-02T03:05:00Z',
        source_system: 'cloudtrail',
        operation: 'iam:CreateUser',
        outcome: 'failure',
        attributes: { requestParameters: { userName: 'x' } },
      }),
      ev({ id: 'c6', time: '2026-11-02T03:06:00Z', source_system: 'cloudtrail', operation: 's3:GetObject' }),
    ];
    const steps = cloudRemediationRunbook(events, 'AKIAVICTIM0000000000', 'deploy');
    assert.equal(steps[0]?.command, 'aws cloudtrail start-logging --name org-trail');
    assert.ok(steps.some((s) => s.command.includes('delete-access-key --user-name backup-admin --access-key-id AKIAZZZZZZZZZZZZZZZZ')));
    assert.ok(
      steps.some(
        (s) => s.command === 'aws iam detach-user-policy --user-name backup-admin --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
      ),
    );
    assert.ok(!steps.some((s) => s.event_id === 'c5'), 'failed calls changed nothing');
    // As the detection parsers keep CloudTrail's answer: the new key's id as issued_credential_id.
    const parsed = cloudRemediationRunbook([
      ev({
        id: 'p1',
        time: '2026-11-02T03:02:00Z',
        source_system: 'cloudtrail',
        operation: 'iam:CreateAccessKey',
        attributes: { requestParameters: { userName: 'backup-admin' }, issued_credential_id: 'AKIAYYYYYYYYYYYYYYYY' },
      }),
    ]);
    assert.ok(parsed.some((s) => s.command.includes('delete-access-key --user-name backup-admin --access-key-id AKIAYYYYYYYYYYYYYYYY')));
    assert.match(steps.at(-1)!.command, /update-access-key --access-key-id AKIAVICTIM0000000000 --user-name deploy --status Inactive/);
    assert.match(renderRunbook(steps), /^#!\/bin\/sh/);
  });

  it("ignores operations named like Object.prototype's members instead of running them as rules", () => {
    const steps = cloudRemediationRunbook(
      ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'].map((operation, i) =>
        ev({ id: `o${i}`, time: '2026-11-02T03:00:00Z', source_system: 'cloudtrail', operation }),
      ),
    );
    assert.deepEqual(steps, []);
  });

  it('quotes values that are not plain tokens', () => {
    const steps = cloudRemediationRunbook([
      ev({ id: 'q', time: 't', operation: 'iam:CreateLoginProfile', attributes: { requestParameters: { userName: "a'b; rm -rf /" } } }),
    ]);
    assert.equal(steps[0]?.command, `aws iam delete-login-profile --user-name 'a'\\''b; rm -rf /'`);
  });
});
