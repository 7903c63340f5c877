import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { classifyOperationName } from '../../../src/engine/classify/operation-class.js';
import { managesOwnFactors } from '../../../src/engine/detectors/change-target.js';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, type ClientName, ev, MIN, type PlaceName, pages, run } from '../helpers/events.js';

// Okta sessions whose log starts at the theft: nothing about them can look new, so only what is done, and where
// from, can page.

interface Step {
  type: string;
  who?: string;
  session?: string;
  place?: PlaceName;
  ip?: string;
  client?: ClientName;
  failed?: boolean;
  reason?: string;
  target?: string;
  proxy?: boolean;
  apiToken?: boolean;
  attributes?: Record<string, unknown>;
}

function okta(steps: readonly Step[], gapMs = MIN): EnrichedEvent[] {
  return steps.map((s, i) => {
    const cred = s.session ?? `idx-${s.who ?? 'sam'}`;
    const e = ev({
      at: AFTER + i * gapMs,
      cred,
      principal: `${s.who ?? 'sam'}@acme.io`,
      place: s.place ?? 'newYork',
      client: s.client ?? 'chromeMac',
      op: `okta:${s.type}`,
      source: 'okta',
      ...(s.ip ? { ip: s.ip } : {}),
      ...(s.failed ? { outcome: 'failure' as const, error: s.reason ?? 'INVALID_CREDENTIALS' } : {}),
      ...(s.target ? { resource: `User:${s.target}` } : {}),
    });
    e.credential_kind = s.apiToken ? 'api_key' : 'saas_session';
    e.attributes = { event_type: s.type, ...(s.proxy ? { is_proxy: true } : {}), ...s.attributes };
    return e;
  });
}

function replay(steps: readonly Step[], gapMs = MIN): Alert[] {
  return run(createDetectionEngine(), okta(steps, gapMs));
}

function takeover(alerts: Alert[], playbook: string): Alert[] {
  return alerts.filter((a) => a.evidence.kind === 'okta_takeover' && a.evidence.playbook === playbook);
}

const pushes = (refusals: number, pushesSent = refusals + 1): Step[] => {
  const out: Step[] = [{ type: 'policy.evaluate_sign_on', who: 'carol' }];
  for (let k = 0; k < pushesSent; k++) {
    out.push({ type: 'system.push.send_factor_verify_push', who: 'carol', target: 'carol@acme.io' });
    if (k < refusals)
      out.push({ type: 'user.mfa.okta_verify.deny_push', who: 'carol', failed: true, reason: 'User rejected Okta push verify' });
  }
  out.push({ type: 'user.authentication.auth_via_mfa', who: 'carol' }, { type: 'user.session.start', who: 'carol' });
  return out;
};

describe('Okta takeover: MFA push fatigue', () => {
  it('three refused pushes and then a sign-in pages high, with no history at all', () => {
    const alerts = replay(pushes(3));
    const found = takeover(alerts, 'mfa_fatigue');
    assert.equal(found.length, 1, JSON.stringify(alerts.map((a) => a.summary)));
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.evidence.refused_pushes, 3);
  });

  it('refusals logged without the session (on the person) still count toward the session that signs in', () => {
    const steps = pushes(4).map((s) => (s.type === 'user.mfa.okta_verify.deny_push' ? { ...s, session: '00ucarol' } : s));
    assert.equal(takeover(replay(steps), 'mfa_fatigue').length, 1);
  });

  it('refusals Okta logs only as failed push verifications (INVALID_CREDENTIALS, the push denied) count', () => {
    const attempt = (factor: string, answer?: string): Step => ({
      type: 'user.authentication.auth_via_mfa',
      who: 'carol',
      failed: true,
      attributes: { mfa_factor: factor, ...(answer ? { push_response: answer } : {}) },
    });
    const signIn: Step = { type: 'user.authentication.auth_via_mfa', who: 'carol' };
    const denied = [attempt('OKTA_VERIFY_PUSH', 'OV_RESPONSE_DENY'), attempt('OKTA_VERIFY_PUSH', 'OV_RESPONSE_DENY')];
    assert.equal(takeover(replay([...denied, attempt('OKTA_VERIFY_PUSH'), signIn]), 'mfa_fatigue').length, 1);
    // Three mistyped codes from an authenticator app are not a push refused.
    assert.deepEqual(takeover(replay([attempt('GOOGLE_OTP'), attempt('GOOGLE_OTP'), attempt('GOOGLE_OTP'), signIn]), 'mfa_fatigue'), []);
  });

  it('a fatigue attempt that failed pages when the person reports it ("this wasn\'t me"), and says what came before', () => {
    const refused = pushes(6).filter((s) => s.type !== 'user.authentication.auth_via_mfa' && s.type !== 'user.session.start');
    assert.deepEqual(takeover(replay(refused), 'mfa_fatigue'), [], 'no sign-in, no fatigue');
    const reported = takeover(
      replay([...refused, { type: 'user.account.report_suspicious_activity_by_enduser', who: 'carol', session: '00ucarol' }]),
      'user_reported',
    );
    assert.equal(reported.length, 1);
    assert.equal(reported[0]!.severity, 'high');
    assert.equal(reported[0]!.evidence.refused_pushes, 6);
    // A report with nothing before it still pages: the person's word is the evidence.
    assert.equal(takeover(replay([{ type: 'user.account.report_suspicious_activity_by_enduser', who: 'dan' }]), 'user_reported').length, 1);
  });

  it('six pushes sent unanswered before a sign-in count as well', () => {
    assert.equal(takeover(replay(pushes(0, 6)), 'mfa_fatigue').length, 1);
  });

  it('does not page for two refusals (a stray tap, a push she did not start) before her own sign-in', () => {
    const alerts = replay(pushes(2));
    assert.deepEqual(takeover(alerts, 'mfa_fatigue'), []);
    assert.deepEqual(pages(alerts), []);
  });

  it('does not page for refusals an hour and more before the sign-in', () => {
    assert.deepEqual(takeover(replay(pushes(3), 20 * MIN), 'mfa_fatigue'), []);
  });
});

describe('Okta takeover: privileged changes from an anonymising network', () => {
  const admin = (extra: Partial<Step>): Step[] => [
    { type: 'user.session.access_admin_app', ...extra },
    { type: 'system.api_token.create', ...extra },
  ];

  it('an API token made from an address Okta flags as a proxy pages high as the first change', () => {
    const alerts = replay(admin({ proxy: true }));
    const found = takeover(alerts, 'anonymised_admin');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'high');
  });

  it('a browser session making changes from a VPS pages; so does one over Tor', () => {
    assert.equal(takeover(replay(admin({ place: 'frankfurtVps' })), 'anonymised_admin').length, 1);
    assert.equal(takeover(replay(admin({ place: 'torExit' })), 'anonymised_admin').length, 1);
  });

  it('so does a browser on a VPS in a log that names no session, only the admin', () => {
    const events = okta(admin({ place: 'frankfurtVps' })).map((e) => ({ ...e, credential_kind: undefined }));
    assert.equal(takeover(run(createDetectionEngine(), events), 'anonymised_admin').length, 1);
    const script = okta(admin({ place: 'frankfurtVps', client: 'pythonRequests' })).map((e) => ({ ...e, credential_kind: undefined }));
    assert.deepEqual(takeover(run(createDetectionEngine(), script), 'anonymised_admin'), []);
  });

  it('Okta events an OCSF producer names Okta:<eventType> count the same', () => {
    const events = okta(admin({ place: 'torExit' })).map((e) => ({
      ...e,
      source_system: 'ocsf',
      operation: `Okta:${e.operation!.slice(5)}`,
    }));
    const found = run(createDetectionEngine(), events).filter((a) => a.evidence.playbook === 'anonymised_admin');
    assert.equal(found.length, 1);
  });

  it('does not page for the same change from a home or office network, a commercial VPN without the proxy flag, or a refused one', () => {
    assert.deepEqual(pages(replay(admin({}))), []);
    assert.deepEqual(takeover(replay(admin({ place: 'vpnTokyo' })), 'anonymised_admin'), []);
    assert.deepEqual(takeover(replay(admin({ proxy: true, failed: true })), 'anonymised_admin'), []);
    // Okta flags the company's secure web gateway as a proxy too.
    const gateway = okta(admin({ proxy: true })).map((e) => ({
      ...e,
      geo: { ...e.geo!, as_org: 'Zscaler', asn_kind: 'security_proxy' as const },
    }));
    assert.deepEqual(pages(run(createDetectionEngine(), gateway)), []);
  });

  it('does not page for a provisioning API token from its cloud server, nor a person enrolling their own factor from a proxy', () => {
    const scim: Step[] = [
      { type: 'user.lifecycle.create', who: 'workday', place: 'awsVirginia', client: 'pythonRequests', apiToken: true },
    ];
    assert.deepEqual(pages(replay(scim)), []);
    const own: Step[] = [{ type: 'user.mfa.factor.activate', who: 'dan', target: 'dan@acme.io', proxy: true }];
    assert.deepEqual(takeover(replay(own), 'anonymised_admin'), []);
  });

  it('an administrator who always works through the flagged VPN is at work there', () => {
    const habit: Step[] = Array.from({ length: 25 }, () => ({ type: 'user.authentication.sso', proxy: true }));
    const alerts = replay([...habit, { type: 'group.privilege.grant', proxy: true }]);
    assert.deepEqual(takeover(alerts, 'anonymised_admin'), []);
  });
});

describe('Okta takeover: cross-tenant impersonation through an identity provider', () => {
  const attacker = '203.0.113.7';
  const setUp: Step[] = [
    { type: 'system.idp.lifecycle.create', ip: attacker },
    { type: 'policy.rule.update', ip: attacker },
  ];
  const via = (who: string, ip = attacker): Step => ({ type: 'user.authentication.auth_via_IDP', who, session: `00u${who}`, ip });

  it('two people signed in through an identity provider from the address that made it pages on the second', () => {
    const alerts = replay([...setUp, via('bob'), via('carol')]);
    const found = takeover(alerts, 'idp_impersonation');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.credential, '00ucarol');
    assert.ok(found[0]!.severity === 'high' || found[0]!.severity === 'critical');
    assert.deepEqual(found[0]!.evidence.impersonated, ['bob@acme.io', 'carol@acme.io']);
  });

  it('does not page for the administrator trying the new federation with one test account', () => {
    assert.deepEqual(takeover(replay([...setUp, via('idp-test'), via('sam')]), 'idp_impersonation'), []);
  });

  it('does not page for a federated org’s people at the office after their IdP’s certificate is rotated there', () => {
    const rotated: Step[] = [{ type: 'system.idp.lifecycle.update', ip: attacker }];
    assert.deepEqual(takeover(replay([...rotated, via('bob'), via('carol')]), 'idp_impersonation'), []);
    const habit = [via('bob'), via('carol')];
    assert.deepEqual(takeover(replay([...habit, ...setUp, via('bob'), via('carol')]), 'idp_impersonation'), []);
  });

  it('does not page for people signing in through the partner identity provider from their own addresses', () => {
    assert.deepEqual(takeover(replay([...setUp, via('bob', '198.51.100.9'), via('carol', '198.51.100.10')]), 'idp_impersonation'), []);
  });
});

describe('Okta takeover: another person reset, then an escalation', () => {
  const token: Partial<Step> = { who: 'workday', session: '00Tworkday', place: 'awsVirginia', client: 'pythonRequests', apiToken: true };

  it('an API token with no history resetting an admin’s factors and granting a role pages at the grant', () => {
    const alerts = replay([
      { type: 'user.mfa.factor.reset_all', target: 'sam@acme.io', ...token },
      { type: 'user.account.reset_password', target: 'sam@acme.io', ...token },
      { type: 'user.account.privilege.grant', target: 'sam@acme.io', ...token },
    ]);
    const found = takeover(alerts, 'reset_and_escalate');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.evidence.escalation, 'user.account.privilege.grant');
  });

  it('does not page for a helpdesk resetting callers’ factors and passwords, nor an admin promoting someone without a reset', () => {
    const helpdesk: Step[] = ['bob', 'carol', 'dan'].flatMap((who) => [
      { type: 'user.mfa.factor.reset_all', who: 'hank', target: `${who}@acme.io` },
      { type: 'user.account.reset_password', who: 'hank', target: `${who}@acme.io` },
    ]);
    assert.deepEqual(pages(replay(helpdesk)), []);
    assert.deepEqual(takeover(replay([{ type: 'user.account.privilege.grant', target: 'dan@acme.io' }]), 'reset_and_escalate'), []);
    const integration: Step[] = [{ type: 'system.api_token.create' }, { type: 'user.mfa.factor.reset_all', target: 'dan@acme.io' }];
    assert.deepEqual(pages(replay(integration)), []);
  });
});

describe('Okta catalog: changes that hand out another identity', () => {
  it('identity provider changes, another user’s password reset and support impersonation are privileged', () => {
    for (const op of ['okta:system.idp.lifecycle.update', 'okta:system.idp.lifecycle.activate', 'okta:user.account.reset_password']) {
      assert.equal(classifyOperationName(op).privilege, 'persistence', op);
    }
    assert.equal(classifyOperationName('okta:user.session.impersonation.grant').privilege, 'grant');
    assert.equal(classifyOperationName('okta:user.session.impersonation.initiate').privilege, 'grant');
    assert.equal(classifyOperationName('okta:user.session.start').privilege, 'none');
  });

  it('a person resetting their own password is self-service, as re-enrolling their own factor is', () => {
    const own = { operation: 'okta:user.account.reset_password', principal: 'dan@acme.io', resource: 'User:dan@acme.io' } as EnrichedEvent;
    assert.equal(managesOwnFactors(own), true);
    assert.equal(managesOwnFactors({ ...own, resource: 'User:sam@acme.io' }), false);
  });
});
