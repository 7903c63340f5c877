import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  STAGE_CAPABILITY_PROBE,
  STAGE_COLLECTION,
  STAGE_DEFENSE_EVASION,
  STAGE_DISCOVERY,
  STAGE_MODIFICATION,
  STAGE_NONE,
  STAGE_PERSISTENCE,
} from '../../src/engine/classify/operation-class.js';
import { OperationClassifier, resourceClassHash } from '../../src/engine/classify/operation-classifier.js';
import { pathTemplate } from '../../src/engine/classify/path-template.js';
import { parseCloudTrailRecord } from '../../src/ingest/parsers/cloudtrail.js';
import { parseOcsfRecord } from '../../src/ingest/parsers/ocsf.js';
import { parseOktaRecord } from '../../src/ingest/parsers/okta.js';
import type { ParseOutcome } from '../../src/ingest/types.js';

function operationOf(outcome: ParseOutcome): string {
  assert.equal(outcome.kind, 'event');
  if (outcome.kind !== 'event') throw new Error('not an event');
  return outcome.event.operation ?? '';
}

describe('operation classifier', () => {
  const c = new OperationClassifier();
  it('maps CloudTrail operations to stages and privilege', () => {
    assert.equal(c.classify({ operation: 'sts:GetCallerIdentity' }).stage, STAGE_CAPABILITY_PROBE);
    assert.equal(c.classify({ operation: 'ec2:DescribeInstances' }).stage, STAGE_DISCOVERY);
    assert.equal(c.classify({ operation: 's3:GetObject' }).stage, STAGE_COLLECTION);
    assert.equal(c.classify({ operation: 'ec2:RunInstances' }).stage, STAGE_MODIFICATION);
    assert.equal(c.classify({ operation: 'iam:CreateUser' }).privilege, 'persistence');
    assert.equal(c.classify({ operation: 'iam:AttachUserPolicy' }).privilege, 'grant');
    assert.equal(c.classify({ operation: 'iam:CreateUser' }).stage, STAGE_PERSISTENCE);
    assert.equal(c.classify({ operation: 'cloudtrail:StopLogging' }).stage, STAGE_DEFENSE_EVASION);
    assert.equal(c.classify({ operation: 'guardduty:DeleteDetector' }).privilege, 'defense_evasion');
    const key = c.classify({ operation: 'iam:CreateAccessKey' });
    assert.equal(key.privilege, 'persistence');
    assert.equal(key.selfKey, true);
    assert.equal(c.classify({ operation: 'iam:DeleteAccessKey' }).selfKey, true);
  });

  it('maps Okta event types without treating a login as privileged', () => {
    assert.equal(c.classify({ operation: 'policy.rule.update' }).privilege, 'defense_evasion');
    assert.equal(c.classify({ operation: 'zone.update' }).privilege, 'defense_evasion');
    assert.equal(c.classify({ operation: 'user.lifecycle.create' }).privilege, 'persistence');
    assert.equal(c.classify({ operation: 'system.api_token.create' }).privilege, 'persistence');
    assert.equal(c.classify({ operation: 'user.account.privilege.grant' }).privilege, 'grant');
    const login = c.classify({ operation: 'user.session.start' });
    assert.equal(login.privilege, 'none');
    assert.equal(login.stage, STAGE_NONE);
  });

  // The parsers name operations; the catalog must recognise the names they actually produce.
  it('classifies the operation names the log parsers produce, not only catalog spellings', () => {
    const ctx = { source: 'test', line: 1 };
    const okta = (eventType: string) =>
      parseOktaRecord(
        {
          eventType,
          published: '2026-10-15T14:16:00.000Z',
          actor: { id: '00ubob', type: 'User', alternateId: 'bob@example.com' },
          client: { ipAddress: '198.51.100.7', userAgent: { rawUserAgent: 'Mozilla/5.0' } },
          authenticationContext: { externalSessionId: '102abc' },
          outcome: { result: 'SUCCESS' },
        },
        ctx,
      );
    assert.equal(c.classify({ operation: operationOf(okta('system.api_token.create')) }).privilege, 'persistence');
    assert.equal(c.classify({ operation: operationOf(okta('policy.rule.deactivate')) }).privilege, 'defense_evasion');
    assert.equal(c.classify({ operation: operationOf(okta('zone.update')) }).privilege, 'defense_evasion');
    assert.equal(c.classify({ operation: operationOf(okta('user.session.start')) }).privilege, 'none');
    // OCSF from Okta names the service; the casing varies by producer.
    assert.equal(c.classify({ operation: 'Okta:user.mfa.factor.deactivate' }).privilege, 'defense_evasion');

    const ocsf = (service: string, operation: string) =>
      parseOcsfRecord(
        {
          class_uid: 6003,
          activity_id: 1,
          time: 1_767_225_600_000,
          api: { operation, service: { name: service } },
          actor: { user: { uid: 'AIDAEXAMPLE' }, session: { credential_uid: 'AKIAQ3EGRALICE000001' } },
          src_endpoint: { ip: '198.51.100.7' },
        },
        ctx,
      );
    // Amazon Security Lake fills api.service.name with the CloudTrail eventSource.
    assert.equal(c.classify({ operation: operationOf(ocsf('iam.amazonaws.com', 'CreateUser')) }).privilege, 'persistence');
    assert.equal(c.classify({ operation: operationOf(ocsf('cloudtrail.amazonaws.com', 'StopLogging')) }).privilege, 'defense_evasion');
    assert.equal(c.classify({ operation: operationOf(ocsf('iam', 'AttachUserPolicy')) }).privilege, 'grant');

    const trail = parseCloudTrailRecord(
      {
        eventVersion: '1.08',
        eventTime: '2026-10-21T02:59:36Z',
        eventSource: 'guardduty.amazonaws.com',
        eventName: 'DeleteDetector',
        sourceIPAddress: '198.51.100.7',
        userIdentity: { type: 'IAMUser', accessKeyId: 'AKIAQ3EGRALICE000001', userName: 'alice' },
      },
      ctx,
    );
    assert.equal(c.classify({ operation: operationOf(trail) }).privilege, 'defense_evasion');
  });

  it('reads the API version CloudTrail appends to Lambda and CloudFront actions, and LLM-log tampering', () => {
    const grant = c.classify({ operation: 'lambda:AddPermission20150331v2' });
    assert.equal(grant.privilege, 'grant');
    assert.equal(grant.name, 'lambda:AddPermission20150331v2');
    assert.equal(c.classify({ operation: 'lambda:ListFunctions20150331' }).stage, STAGE_DISCOVERY);
    assert.equal(c.classify({ operation: 'lambda:GetFunction20150331v2' }).stage, STAGE_COLLECTION);
    assert.equal(c.classify({ operation: 'lambda:UpdateFunctionCode20150331v2' }).stage, STAGE_MODIFICATION);
    assert.equal(c.classify({ operation: 'cloudfront:GetDistribution2020_05_31' }).stage, STAGE_DISCOVERY);
    assert.equal(c.classify({ operation: 'bedrock:DeleteModelInvocationLoggingConfiguration' }).privilege, 'defense_evasion');
  });

  it('maps first-party HTTP requests by method and path template', () => {
    assert.equal(c.classify({ method: 'GET', path: '/v1/me' }).stage, STAGE_CAPABILITY_PROBE);
    assert.equal(c.classify({ method: 'POST', path: '/admin/keys' }).privilege, 'persistence');
    assert.equal(c.classify({ method: 'POST', path: '/api/v2/webhooks' }).privilege, 'persistence');
    assert.equal(c.classify({ method: 'DELETE', path: '/alerts/42' }).privilege, 'defense_evasion');
    assert.equal(c.classify({ method: 'PUT', path: '/settings/alerts' }).privilege, 'defense_evasion');
    assert.equal(c.classify({ method: 'GET', path: '/api/export?format=csv' }).stage, STAGE_COLLECTION);
    assert.equal(c.classify({ method: 'GET', path: '/api/orders/17' }).privilege, 'none');
    assert.equal(c.classify({ method: 'POST', path: '/api/orders' }).stage, STAGE_MODIFICATION);
  });

  it('knows the words real APIs use: whoami by another name, snake_case resources, roles, log forwarding, secrets', () => {
    for (const path of ['/api/account', '/v2/viewer', '/api/v1/profile', '/client/v4/user/tokens/verify', '/api/auth.test']) {
      assert.equal(c.classify({ method: 'GET', path }).stage, STAGE_CAPABILITY_PROBE, path);
    }
    const pat = c.classify({ method: 'POST', path: '/api/v1/personal_access_tokens' });
    assert.equal(pat.privilege, 'persistence');
    assert.equal(pat.selfKey, true);
    assert.equal(c.classify({ method: 'POST', path: '/api/v1/service_accounts' }).privilege, 'persistence');
    assert.equal(c.classify({ method: 'PUT', path: '/api/v1/users/1001/role' }).privilege, 'grant');
    const drain = c.classify({ method: 'DELETE', path: '/v1/log-drains/7' });
    assert.equal(drain.privilege, 'defense_evasion');
    assert.equal(drain.blinds, true);
    assert.equal(c.classify({ method: 'GET', path: '/api/v4/projects/7/variables' }).stage, STAGE_COLLECTION);
    assert.equal(c.classify({ method: 'GET', path: '/api/v1/payment_methods' }).stage, STAGE_COLLECTION);
    assert.equal(c.classify({ method: 'GET', path: '/api/v1/audit-logs' }).stage, STAGE_DISCOVERY);
    // One object's data is data, even under an internal or admin area; the area's listings stay discovery.
    const bank = c.classify({ method: 'GET', path: '/internal/v1/accounts/4411/bank_accounts' });
    assert.equal(bank.stage, STAGE_COLLECTION);
    assert.equal(bank.dataRead, true);
    assert.equal(c.classify({ method: 'GET', path: '/internal/v1/accounts' }).stage, STAGE_DISCOVERY);
    assert.equal(c.classify({ method: 'GET', path: '/admin/users' }).stage, STAGE_DISCOVERY);
    // Signing in makes a session; it is no persistence of a stolen token.
    assert.equal(c.classify({ method: 'POST', path: '/api/v1/sessions' }).stage, STAGE_MODIFICATION);
  });

  it('reads monitoring, network restrictions, account takeover and access listings as real APIs name them', () => {
    // Alerting by other names: Datadog monitors, audit-log streams, alert managers.
    for (const [method, path] of [
      ['DELETE', '/api/v1/monitor/4411'],
      ['POST', '/api/v1/monitors/4411/mute'],
      ['DELETE', '/api/v2/audit-log-streams/3'],
      ['DELETE', '/api/v1/alertmanager/silences/9'],
      ['DELETE', '/api/v1/ip-allowlist/3'],
    ] as const) {
      const cls = c.classify({ method, path });
      assert.equal(cls.privilege, 'defense_evasion', path);
      assert.equal(cls.blinds, true, path);
    }
    // Widening the account's network restriction, or routing alerts elsewhere: a defensive change, not a shutdown.
    assert.equal(c.classify({ method: 'PUT', path: '/api/v1/ip-allowlist' }).privilege, 'defense_evasion');
    assert.equal(c.classify({ method: 'PATCH', path: '/api/v1/notification-settings' }).blinds, false);
    // Letting an address in for good.
    assert.equal(c.classify({ method: 'POST', path: '/api/v1/ip-allowlist' }).privilege, 'persistence');
    // Another user's password or e-mail set through the API: whoever holds the token can sign in as them.
    assert.equal(c.classify({ method: 'PUT', path: '/api/v1/users/17/password' }).privilege, 'persistence');
    assert.equal(
      c.classify({ method: 'PATCH', path: '/api/v1/members/8a0e2b1c-1b2c-4d5e-8f90-123456789abc/email' }).privilege,
      'persistence',
    );
    // A user's own change names no account, and signing out or a notification marked read is nothing.
    assert.equal(c.classify({ method: 'PUT', path: '/api/v1/me/password' }).privilege, 'none');
    assert.equal(c.classify({ method: 'POST', path: '/api/log-out' }).privilege, 'none');
    assert.equal(c.classify({ method: 'PATCH', path: '/api/v1/notifications/55' }).privilege, 'none');
    // Whoami (Atlassian), billing data (Stripe), and listing who holds access.
    assert.equal(c.classify({ method: 'GET', path: '/rest/api/3/myself' }).stage, STAGE_CAPABILITY_PROBE);
    assert.equal(c.classify({ method: 'GET', path: '/v1/charges' }).stage, STAGE_COLLECTION);
    for (const path of ['/api/v1/roles', '/api/v1/keys', '/api/v1/service-accounts', '/api/v1/groups']) {
      assert.equal(c.classify({ method: 'GET', path }).stage, STAGE_DISCOVERY, path);
    }
  });

  it('templates ids away and exposes the numeric id for BOLA tracking', () => {
    assert.equal(pathTemplate('/v1/users/42/keys/0f8c3a1e-1b2c-4d5e-8f90-123456789abc'), '/v1/users/{id}/keys/{id}');
    const a = c.classify({ method: 'GET', path: '/api/orders/17' });
    const idA = c.shape.numericId;
    const hashA = c.shape.templateHash;
    const b = c.classify({ method: 'GET', path: '/api/orders/18?x=1' });
    assert.equal(a, b);
    assert.equal(idA, 17);
    assert.equal(c.shape.numericId, 18);
    assert.equal(c.shape.templateHash, hashA);
    assert.equal(a.name, 'GET /api/orders/{id}');
    // A route template beside the path: the endpoint is the template's, the id the path's (the last numeric segment).
    for (const [path, id] of [
      ['/api/orders/1042', 1042],
      ['/api/orders/1042/lines?page=2', 1042],
      ['/api/orders/7#top', 7],
      ['/api/orders/abc', -1],
      ['/api/orders/1234567890123456', -1],
    ] as const) {
      c.classify({ operation: 'GET /api/orders/{id}', method: 'GET', path });
      assert.equal(c.shape.numericId, id, path);
      assert.equal(c.shape.templateHash, hashA, path);
    }
  });

  it('templates typed ids (a type prefix and a random tail) but not words joined by underscores or hyphens', () => {
    // A rule edited on three nights is one operation, not three never made before.
    assert.equal(pathTemplate('/v1/alerts/rules/rule_rz2t44'), '/v1/alerts/rules/{id}');
    assert.equal(pathTemplate('/v1/projects/prj-8f3k2a/members'), '/v1/projects/{id}/members');
    assert.equal(pathTemplate('/v1/customers/cus_Nf3rFeUfNV2Hib'), '/v1/customers/{id}');
    assert.equal(pathTemplate('/v1/keys/sk_live_4eC39HqLyj'), '/v1/keys/{id}');
    for (const path of [
      '/v1/api_keys',
      '/v1/audit-log-streams',
      '/v1/teams/team_admins',
      '/v1/s3-buckets',
      '/v1/oauth2_clients',
      '/v1/rules/rule_1',
    ]) {
      assert.equal(pathTemplate(path), path, path);
    }
    const a = c.classify({ method: 'PATCH', path: '/v1/alerts/rules/rule_rz2t44' });
    assert.equal(c.classify({ method: 'PATCH', path: '/v1/alerts/rules/rule_q81mzx' }), a);
  });

  it('answers repeated HTTP operations from its caches exactly as a fresh classifier does', () => {
    const ops: string[] = [];
    for (let i = 0; i < 600; i++) ops.push(`${['GET', 'POST', 'DELETE'][i % 3]} /v1/${['orders', 'users', 'admin/keys'][i % 3]}/${i % 40}`);
    const warm = new OperationClassifier(64); // small: the map is cleared while the front cache still holds entries
    for (let round = 0; round < 3; round++) {
      for (const op of ops) {
        const fresh = new OperationClassifier();
        const expected = fresh.classify({ operation: op });
        assert.deepEqual(warm.classify({ operation: `${op}` }), expected, op);
        assert.equal(warm.opHash, fresh.opHash);
        assert.deepEqual(warm.shape, fresh.shape);
      }
    }
  });

  it('groups resources by bucket or table', () => {
    assert.equal(resourceClassHash('arn:aws:s3:::payroll/2026/jan.csv', 'x'), resourceClassHash('arn:aws:s3:::payroll/other.csv', 'x'));
    assert.notEqual(resourceClassHash('arn:aws:s3:::payroll/a', 'x'), resourceClassHash('arn:aws:s3:::public/a', 'x'));
  });
});
