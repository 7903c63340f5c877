import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionLog, cloudRemediationRunbook, IncidentManager, Responder, renderRunbook } from '@tokenwarden/response';
import { alert, ev, memoryStores, recordingGateway, recordingTokens, responseDatabase } from '../fakes.js';

const KEY = 'AKIAQAQAQAQAQAQAQAQA';
const PRINCIPAL = 'arn:aws:iam::123456789012:user/legacy-backup-6';

// The runbook's calls must run as written: in the region of the attacker's call, on the trail and
// user the log names, and the stolen key disabled under its own user.
describe('cloud runbook: exact calls from what the log names', () => {
  const events = [
    ev({
      id: 'n1',
      time: '2026-11-02T03:00:00.000Z',
      credential_id: KEY,
      principal: PRINCIPAL,
      source_system: 'cloudtrail',
      operation: 'cloudtrail:StopLogging',
      resource: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail',
      attributes: { region: 'us-east-1' },
    }),
    ev({
      id: 'n2',
      time: '2026-11-02T03:00:10.000Z',
      credential_id: KEY,
      principal: PRINCIPAL,
      source_system: 'cloudtrail',
      operation: 'guardduty:DeleteDetector',
      attributes: { region: 'us-east-1' },
    }),
    ev({
      id: 'n3',
      time: '2026-11-02T03:00:20.000Z',
      credential_id: KEY,
      principal: PRINCIPAL,
      source_system: 'cloudtrail',
      operation: 'iam:CreateUser',
      resource: 'arn:aws:iam::123456789012:user/aws-support-ops',
      attributes: { region: 'us-east-1' },
    }),
    ev({
      id: 'n4',
      time: '2026-11-02T03:00:30.000Z',
      credential_id: KEY,
      principal: PRINCIPAL,
      source_system: 'cloudtrail',
      operation: 'iam:AttachUserPolicy',
      resource: 'userName=aws-support-ops',
      attributes: { region: 'us-east-1', requestParameters: { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
    }),
  ];

  it('names the trail and user from the resource and runs regional calls in the region of the call', () => {
    const commands = cloudRemediationRunbook(events).map((s) => s.command);
    assert.ok(commands.includes('aws cloudtrail start-logging --name org-trail --region us-east-1'), commands.join('\n'));
    assert.ok(commands.includes('aws guardduty create-detector --enable --region us-east-1'), commands.join('\n'));
    assert.ok(
      commands.some((c) => c.endsWith('aws iam delete-user --user-name aws-support-ops')),
      commands.join('\n'),
    );
    assert.ok(
      commands.includes('aws iam detach-user-policy --user-name aws-support-ops --policy-arn arn:aws:iam::aws:policy/AdministratorAccess'),
      commands.join('\n'),
    );
    assert.ok(!commands.some((c) => c.includes('<user>') || c.includes('<trail-name>')), commands.join('\n'));
  });

  describe('through a containment plan', () => {
    const database = responseDatabase('tw-runbook-');

    it('disables the stolen key under its own user, in a step that undoes no event', async () => {
      const stores = memoryStores(events);
      const incident = await new IncidentManager(stores).ingest(
        alert({ id: 'a_n', time: '2026-11-02T03:00:00.000Z', credential: KEY, severity: 'critical' }),
      );
      const responder = new Responder({
        tokens: recordingTokens().admin,
        gateway: recordingGateway(),
        stores,
        actions: new ActionLog(database()),
      });
      const plan = await responder.plan(incident);
      const last = plan.runbook.at(-1);
      assert.equal(last?.command, `aws iam update-access-key --access-key-id ${KEY} --user-name legacy-backup-6 --status Inactive`);
      const script = renderRunbook(plan.runbook);
      assert.doesNotMatch(script, /undoes event -/);
      assert.match(script, /# disable the stolen key itself, then delete it once the owner has a replacement\n/);
    });
  });
});
