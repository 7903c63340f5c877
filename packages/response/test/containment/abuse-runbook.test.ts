import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessEvent } from '@tokenwarden/core';
import { cloudRemediationRunbook, renderRunbook } from '@tokenwarden/response';
import { ev } from '../fakes.js';

let n = 0;
/** An AWS call as the detection parsers keep it: request parameters, region and ids in `attributes`. */
function call(operation: string, attributes: Record<string, unknown>, extra: Partial<AccessEvent> = {}): AccessEvent {
  return ev({
    id: `a${++n}`,
    time: `2026-11-28T00:${String(10 + n).padStart(2, '0')}:14.000Z`,
    source_system: 'cloudtrail',
    operation,
    attributes,
    ...extra,
  });
}

function commandsOf(events: AccessEvent[]): string[] {
  return cloudRemediationRunbook(events).map((s) => s.command);
}

describe('remediation runbook: what a leaked key was turned into money with', () => {
  it('terminates the instances a launch started, in its region; finds them by launch minute when no ids were logged', () => {
    const [known] = commandsOf([
      call('ec2:RunInstances', { aws_region: 'us-east-2', created_compute_ids: ['i-0a1b2c3d4e5f60718', 'i-0bbb'] }),
    ]);
    assert.equal(known, 'aws ec2 terminate-instances --instance-ids i-0a1b2c3d4e5f60718 i-0bbb --region us-east-2');
    const [unknown] = commandsOf([call('ec2:RunInstances', { cloud_region: 'eu-west-1' }, { time: '2026-11-28T00:10:14.000Z' })]);
    assert.match(unknown!, /describe-instances --filters 'Name=launch-time,Values=2026-11-28T00:10\*' /);
    assert.match(unknown!, /terminate-instances --instance-ids \$ids --region eu-west-1$/);
    // Ids that are not ids never reach the shell unquoted.
    const [hostile] = commandsOf([call('ec2:RunInstances', { aws_region: 'us-east-1', created_compute_ids: ['i-1; rm -rf /'] })]);
    assert.ok(!hostile!.includes('rm -rf'), hostile);
  });

  it('a dry run or a refused launch changed nothing: no step', () => {
    assert.deepEqual(
      commandsOf([call('ec2:RunInstances', { aws_region: 'us-east-1' }, { outcome: 'failure', error_code: 'Client.DryRunOperation' })]),
      [],
    );
  });

  it('spot requests, fleets, Lightsail and SageMaker are stopped by their own calls', () => {
    const cmds = commandsOf([
      call('ec2:RequestSpotInstances', { aws_region: 'us-west-2', created_compute_ids: ['sir-abc123'] }),
      call('ec2:CreateFleet', { aws_region: 'us-west-2', created_compute_ids: ['fleet-1234'] }),
      call('lightsail:CreateInstances', { aws_region: 'us-east-1', requestParameters: { instanceNames: ['miner-1', 'miner-2'] } }),
      call('sagemaker:CreateNotebookInstance', { aws_region: 'us-east-1', requestParameters: { notebookInstanceName: 'nb' } }),
    ]);
    assert.match(
      cmds[0]!,
      /^aws ec2 cancel-spot-instance-requests --spot-instance-request-ids sir-abc123 --region us-west-2 && .*Values=sir-abc123/,
    );
    assert.equal(cmds[1], 'aws ec2 delete-fleets --fleet-ids fleet-1234 --terminate-instances --region us-west-2');
    assert.equal(
      cmds[2],
      'aws lightsail delete-instance --instance-name miner-1 --region us-east-1 && aws lightsail delete-instance --instance-name miner-2 --region us-east-1',
    );
    assert.match(cmds[3]!, /stop-notebook-instance --notebook-instance-name nb --region us-east-1 && .* delete-notebook-instance/);
  });

  it('mail: sending paused where it was switched on, senders deleted; a responder pausing sending is not undone', () => {
    const cmds = commandsOf([
      call('ses:UpdateAccountSendingEnabled', { aws_region: 'eu-west-1', requestParameters: { enabled: true } }),
      call('ses:VerifyEmailIdentity', { aws_region: 'eu-west-1', requestParameters: { emailAddress: 'billing@acme-invoices.io' } }),
      call('ses:UpdateAccountSendingEnabled', { aws_region: 'eu-west-1', requestParameters: { enabled: false } }),
    ]);
    assert.deepEqual(cmds, [
      'aws sesv2 put-account-sending-attributes --no-sending-enabled --region eu-west-1',
      'aws ses delete-identity --identity billing@acme-invoices.io --region eu-west-1',
    ]);
  });

  it('ransom set-up is undone before it takes effect: versioning back on, expiry rule removed, key deletion cancelled', () => {
    const steps = cloudRemediationRunbook([
      call('s3:PutBucketVersioning', { requestParameters: { bucketName: 'payroll', VersioningConfiguration: { Status: 'Suspended' } } }),
      call('s3:PutBucketLifecycleConfiguration', {
        requestParameters: { bucketName: 'payroll', LifecycleConfiguration: { Rule: { Expiration: { Days: 7 } } } },
      }),
      call('kms:ScheduleKeyDeletion', {
        aws_region: 'us-east-1',
        requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', pendingWindowInDays: 7 },
      }),
      // Turning versioning on and a lifecycle rule that only moves objects are not the attacker's damage.
      call('s3:PutBucketVersioning', { requestParameters: { bucketName: 'payroll', VersioningConfiguration: { Status: 'Enabled' } } }),
      call('s3:PutBucketLifecycleConfiguration', {
        requestParameters: { bucketName: 'logs', LifecycleConfiguration: { Rule: { Transition: { Days: 30, StorageClass: 'GLACIER' } } } },
      }),
    ]);
    assert.deepEqual(
      steps.map((s) => s.command),
      [
        'aws s3api put-bucket-versioning --bucket payroll --versioning-configuration Status=Enabled',
        'aws s3api delete-bucket-lifecycle --bucket payroll',
        'aws kms cancel-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --region us-east-1 && aws kms enable-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --region us-east-1',
      ],
    );
  });

  it('shares and open ports are closed exactly: the accounts a snapshot went to, the one rule added', () => {
    const cmds = commandsOf([
      call('ec2:ModifySnapshotAttribute', {
        aws_region: 'us-east-1',
        requestParameters: { snapshotId: 'snap-0abc', createVolumePermission: { add: { items: [{ userId: '999988887777' }] } } },
      }),
      call('rds:ModifyDBSnapshotAttribute', {
        requestParameters: { dBSnapshotIdentifier: 'prod-final', attributeName: 'restore', valuesToAdd: ['all'] },
      }),
      call('ec2:AuthorizeSecurityGroupIngress', {
        requestParameters: {
          groupId: 'sg-0123',
          ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] },
        },
      }),
    ]);
    assert.deepEqual(cmds, [
      'aws ec2 modify-snapshot-attribute --snapshot-id snap-0abc --attribute createVolumePermission --operation-type remove --user-ids 999988887777 --region us-east-1',
      'aws rds modify-db-snapshot-attribute --db-snapshot-identifier prod-final --attribute-name restore --values-to-remove all',
      'aws ec2 revoke-security-group-ingress --group-id sg-0123 --protocol tcp --port 22 --cidr 0.0.0.0/0',
    ]);
    // All traffic opened: protocol -1 and no ports; a port range.
    const all = commandsOf([
      call('ec2:AuthorizeSecurityGroupIngress', {
        requestParameters: {
          groupId: 'sg-1',
          ipPermissions: { items: [{ ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] },
        },
      }),
      call('ec2:AuthorizeSecurityGroupIngress', {
        requestParameters: {
          groupId: 'sg-2',
          ipPermissions: {
            items: [{ ipProtocol: 'tcp', fromPort: 8000, toPort: 8999, ipRanges: { items: [{ cidrIp: '198.51.100.0/24' }] } }],
          },
        },
      }),
    ]);
    assert.deepEqual(all, [
      'aws ec2 revoke-security-group-ingress --group-id sg-1 --protocol -1 --cidr 0.0.0.0/0',
      'aws ec2 revoke-security-group-ingress --group-id sg-2 --protocol tcp --port 8000-8999 --cidr 198.51.100.0/24',
    ]);
  });

  it('silenced alarms and other monitoring come back first, in the region they were silenced', () => {
    const steps = cloudRemediationRunbook([
      call('ec2:RunInstances', { aws_region: 'us-east-1', created_compute_ids: ['i-1'] }),
      call('cloudwatch:DisableAlarmActions', {
        aws_region: 'us-east-1',
        requestParameters: { alarmNames: ['billing-high', 'root login'] },
      }),
      call('guardduty:DeleteDetector', { aws_region: 'eu-central-1', requestParameters: { detectorId: 'd1' } }),
    ]);
    assert.deepEqual(
      steps.map((s) => [s.priority, s.command]),
      [
        [1, "aws cloudwatch enable-alarm-actions --alarm-names billing-high 'root login' --region us-east-1"],
        [1, 'aws guardduty create-detector --enable --region eu-central-1'],
        [2, 'aws ec2 terminate-instances --instance-ids i-1 --region us-east-1'],
      ],
    );
  });

  it('reads OCSF events from Security Lake (source system "CloudTrail", region in cloud_region) like CloudTrail', () => {
    const lake = call(
      'kms:DisableKey',
      { cloud_region: 'ap-south-1', requestParameters: { keyId: 'k1' } },
      { source_system: 'CloudTrail' },
    );
    assert.deepEqual(commandsOf([lake]), ['aws kms enable-key --key-id k1 --region ap-south-1']);
    // A region that is not one is left out rather than passed to the shell.
    const odd = call('kms:DisableKey', { aws_region: 'us-east-1; reboot', requestParameters: { keyId: 'k1' } });
    assert.deepEqual(commandsOf([odd]), ['aws kms enable-key --key-id k1']);
    assert.match(renderRunbook(cloudRemediationRunbook([lake])), /enable-key/);
    // An event id from the log with a line break stays inside its comment.
    const forged = call('kms:DisableKey', { requestParameters: { keyId: 'k1' } }, { id: 'e1\nrm -rf ~' });
    const script = renderRunbook(cloudRemediationRunbook([forged]));
    assert.ok(!script.split('\n').some((line) => line.startsWith('rm ')), script);
  });
});

describe('remediation runbook: what a hijacked Okta session or token changed', () => {
  const okta = (eventType: string, targets: { type: string; id: string }[]): AccessEvent =>
    ev({
      id: `o${++n}`,
      time: `2026-11-28T01:${String(n % 60).padStart(2, '0')}:00.000Z`,
      source_system: 'okta',
      operation: `okta:${eventType}`,
      attributes: { okta_targets: targets },
    });

  it('log streams back on first, then the token, user, membership and identity provider it made are removed', () => {
    const steps = cloudRemediationRunbook([
      okta('system.api_token.create', [{ type: 'Token', id: '00Tabc123' }]),
      okta('user.lifecycle.create', [{ type: 'User', id: '00uNEW' }]),
      okta('group.user_membership.add', [
        { type: 'User', id: '00uNEW' },
        { type: 'UserGroup', id: '00gADMINS' },
      ]),
      okta('system.idp.lifecycle.create', [{ type: 'IdentityProvider', id: '0oaIDP' }]),
      okta('system.log_stream.lifecycle.deactivate', [{ type: 'LogStream', id: '0oxSTREAM' }]),
    ]);
    const api = (m: string, path: string) =>
      `curl -sS -X ${m} -H "Authorization: SSWS $OKTA_API_TOKEN" -H 'Accept: application/json' "$OKTA_ORG_URL${path}"`;
    assert.deepEqual(
      steps.map((s) => [s.priority, s.command]),
      [
        [1, api('POST', '/api/v1/logStreams/0oxSTREAM/lifecycle/activate')],
        [2, api('DELETE', '/api/v1/api-tokens/00Tabc123')],
        [2, api('POST', '/api/v1/users/00uNEW/lifecycle/deactivate')],
        [2, api('DELETE', '/api/v1/groups/00gADMINS/users/00uNEW')],
        [2, api('POST', '/api/v1/idps/0oaIDP/lifecycle/deactivate')],
      ],
    );
    assert.match(renderRunbook(steps), /OKTA_ORG_URL \(https:\/\/<your-org>\.okta\.com\) and OKTA_API_TOKEN/);
  });

  it('an id that is not an Okta id never reaches the URL; a role grant is listed, its removal left to complete', () => {
    const [hostile] = cloudRemediationRunbook([okta('user.lifecycle.create', [{ type: 'User', id: '00u"; rm -rf / #' }])]);
    assert.match(hostile!.command, /\/api\/v1\/users\/<user-id>\/lifecycle\/deactivate/);
    const [grant] = cloudRemediationRunbook([okta('user.account.privilege.grant', [{ type: 'User', id: '00uNEW' }])]);
    assert.match(
      grant!.command,
      /^curl -sS -X GET .*\/api\/v1\/users\/00uNEW\/roles" {2}# then: curl -sS -X DELETE .*\/roles\/<role-assignment-id>"$/,
    );
    assert.doesNotMatch(renderRunbook([]), /OKTA/);
  });
});
