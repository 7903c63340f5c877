import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyOperationName } from '../../../src/engine/classify/operation-class.js';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, byRule, type EventSpec, ev, MIN, run } from '../helpers/events.js';

// Ways of destroying or cutting the audit trail that leave CloudTrail itself logging (Stratus Red Team's
// cloudtrail-lifecycle-rule and dns-delete-logs), and what the catalog names as persistence or grants.
const dormant: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIADORMANT', principal: 'old-contractor', place: 'frankfurtVps', client: 'boto3' };

function calls(steps: readonly { op: string; params?: Record<string, unknown> }[], spec = dormant): EnrichedEvent[] {
  return steps.map((s, i) => {
    const e = ev({ ...spec, at: AFTER + i * MIN, op: s.op });
    if (s.params) e.attributes = { requestParameters: s.params };
    return e;
  });
}

const lifecycle = (bucketName: string, days: number, status = 'Enabled') => ({
  op: 's3:PutBucketLifecycle',
  params: { bucketName, LifecycleConfiguration: { Rule: { ID: 'r', Status: status, Filter: { Prefix: '' }, Expiration: { Days: days } } } },
});

function expiry(alerts: ReturnType<typeof run>) {
  return alerts.filter((a) => a.evidence.kind === 'audit_log_expiry');
}

describe('audit trail evasion beyond switching CloudTrail off', () => {
  it('a rule expiring the CloudTrail bucket’s logs after a day pages high as defense evasion', () => {
    const found = expiry(
      run(createDetectionEngine(), calls([{ op: 'sts:GetCallerIdentity' }, lifecycle('aws-cloudtrail-logs-418295730164-4a1b2c3d', 1)])),
    );
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.stage, 'defense_evasion');
    assert.equal(found[0]!.evidence.expiry_days, 1);
    // Several rules, as an array: the shortest counts.
    const several = {
      op: 's3:PutBucketLifecycleConfiguration',
      params: {
        bucketName: 'acme-audit-logs',
        LifecycleConfiguration: {
          Rule: [
            { Status: 'Enabled', Expiration: { Days: 400 } },
            { Status: 'Enabled', Expiration: { Days: 3 } },
          ],
        },
      },
    };
    assert.equal(expiry(run(createDetectionEngine(), calls([several])))[0]?.evidence.expiry_days, 3);
  });

  it('hard negatives: retention in months on the trail bucket, a day on a scratch bucket, a disabled rule, Terraform', () => {
    assert.equal(expiry(run(createDetectionEngine(), calls([lifecycle('aws-cloudtrail-logs-418295730164-4a1b2c3d', 365)]))).length, 0);
    assert.equal(expiry(run(createDetectionEngine(), calls([lifecycle('acme-build-scratch', 1)]))).length, 0);
    assert.equal(expiry(run(createDetectionEngine(), calls([lifecycle('acme-cloudtrail', 1, 'Disabled')]))).length, 0);
    assert.equal(
      expiry(run(createDetectionEngine(), calls([lifecycle('acme-cloudtrail', 1)], { ...dormant, client: 'terraform' }))).length,
      0,
    );
  });

  it('deleting or detaching Route 53 Resolver query logging blinds: a key with no baseline that looked around pages', () => {
    assert.equal(classifyOperationName('route53resolver:DeleteResolverQueryLogConfig').blinds, true);
    assert.equal(classifyOperationName('route53resolver:DisassociateResolverQueryLogConfig').blinds, true);
    const alerts = run(
      createDetectionEngine(),
      calls([
        { op: 'sts:GetCallerIdentity' },
        { op: 'route53resolver:ListResolverQueryLogConfigs' },
        { op: 'route53resolver:DeleteResolverQueryLogConfig' },
      ]),
    );
    const chain = byRule(alerts, 'attack_chain').filter((a) => a.evidence.kind === 'unbaselined_chain');
    assert.equal(chain[0]?.severity, 'high');
  });

  it('a Roles Anywhere trust anchor is persistence, a layer shared with another account a grant', () => {
    assert.equal(classifyOperationName('rolesanywhere:CreateTrustAnchor').privilege, 'persistence');
    assert.equal(classifyOperationName('lambda:AddLayerVersionPermission20181031').privilege, 'grant');
  });
});
