import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, type EventSpec, ev, MIN, run } from '../helpers/events.js';

// A key nobody in the logs has seen, replayed from a rented server by a script.
const leaked: Omit<EventSpec, 'at' | 'op'> = {
  cred: 'AKIALEAKED',
  principal: 'arn:aws:iam::418295730164:user/ci-legacy',
  place: 'frankfurtVps',
  client: 'boto3',
};

interface Step {
  op: string;
  params?: Record<string, unknown>;
}

function events(steps: readonly Step[], spec: Omit<EventSpec, 'at' | 'op'> = leaked): EnrichedEvent[] {
  return steps.map((s, i) => {
    const e = ev({ ...spec, at: AFTER + i * MIN, op: s.op });
    if (s.params) e.attributes = { requestParameters: s.params };
    return e;
  });
}

function escalation(alerts: ReturnType<typeof run>) {
  return alerts.filter((a) => a.evidence.kind === 'hosted_escalation');
}

const RECON: Step = { op: 'sts:GetCallerIdentity' };
/** An ingress rule as CloudTrail logs AuthorizeSecurityGroupIngress. */
const ingress = (ipProtocol: string, fromPort: number | undefined, toPort: number | undefined, cidrIp: string): Step => ({
  op: 'ec2:AuthorizeSecurityGroupIngress',
  params: { groupId: 'sg-1', ipPermissions: { items: [{ ipProtocol, fromPort, toPort, ipRanges: { items: [{ cidrIp }] } }] } },
});
const ADMIN_USER: Step[] = [
  { op: 'iam:CreateUser', params: { userName: 'backup-admin' } },
  { op: 'iam:AttachUserPolicy', params: { userName: 'backup-admin', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
  { op: 'iam:CreateAccessKey', params: { userName: 'backup-admin' } },
];

describe('detector: a key with no baseline taking over from a rented server', () => {
  it('looking around, then an administrator user, pages high at the grant', () => {
    const found = escalation(run(createDetectionEngine(), events([RECON, ...ADMIN_USER])));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.evidence.advanced_by, 'iam:AttachUserPolicy');
    assert.equal(found[0]!.time, new Date(AFTER + 2 * MIN).toISOString());
  });

  it('a console password for another user, federated sessions or a trusted CA page the same way', () => {
    for (const step of [
      { op: 'iam:CreateLoginProfile', params: { userName: 'svc-reporting', passwordResetRequired: false } },
      { op: 'iam:UpdateLoginProfile', params: { userName: 'svc-reporting' } },
      { op: 'sts:GetFederationToken', params: { name: 'x', policy: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' } },
      { op: 'rolesanywhere:CreateTrustAnchor', params: { name: 'ta', enabled: true } },
      ingress('tcp', 22, 22, '0.0.0.0/0'),
      ingress('-1', undefined, undefined, '0.0.0.0/0'),
    ]) {
      assert.equal(escalation(run(createDetectionEngine(), events([RECON, step])))[0]?.severity, 'high', step.op);
    }
  });

  it('hard negatives: the same from a home, the office or inside AWS; Terraform; with no look around first', () => {
    for (const place of ['londonHome', 'londonOffice', 'awsVirginia'] as const) {
      assert.equal(escalation(run(createDetectionEngine(), events([RECON, ...ADMIN_USER], { ...leaked, place }))).length, 0, place);
    }
    assert.equal(escalation(run(createDetectionEngine(), events([RECON, ...ADMIN_USER], { ...leaked, client: 'terraform' }))).length, 0);
    assert.equal(escalation(run(createDetectionEngine(), events(ADMIN_USER))).length, 0);
  });

  it('hard negatives: keys made for another user (rotation jobs), one’s own console password, a plain policy, HTTPS or one address opened, refused', () => {
    const steps: Step[] = [
      RECON,
      { op: 'iam:CreateAccessKey', params: { userName: 'svc-reporting' } },
      { op: 'iam:UpdateLoginProfile', params: { userName: 'ci-legacy' } },
      { op: 'iam:AttachUserPolicy', params: { userName: 'svc-reporting', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
      // HTTPS for everyone, SSH for one address: a web server and a runner's own /32.
      ingress('tcp', 443, 443, '0.0.0.0/0'),
      ingress('tcp', 22, 22, '20.42.10.5/32'),
    ];
    assert.equal(escalation(run(createDetectionEngine(), events(steps))).length, 0);
    const refused = events([RECON, ...ADMIN_USER]);
    for (const e of refused.slice(1)) {
      e.outcome = 'failure';
      e.error_code = 'AccessDenied';
    }
    assert.equal(escalation(run(createDetectionEngine(), refused)).length, 0);
  });
});
