import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { classifyOperationName } from '../../../src/engine/classify/operation-class.js';
import { isAdminGrant } from '../../../src/engine/detectors/change-target.js';
import { createDetectionEngine, type DetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, type ClientName, DAY, ev, HOUR, MIN, type PlaceName, run, T0 } from '../helpers/events.js';

// What is done with a password or a session an attacker got hold of at sign-in: a spray that worked, a factor of the
// attacker's own enrolled from the phishing proxy's browser; and the owners who look like them.

interface Step {
  at: number;
  type: string;
  who: string;
  session?: string;
  place?: PlaceName;
  client?: ClientName;
  device?: string;
  failed?: boolean;
  target?: string;
  ip?: string;
}

function okta(s: Step): EnrichedEvent {
  const attempt = s.failed === true && s.session === undefined;
  const e = ev({
    at: s.at,
    cred: s.session ?? `00u-${s.who}`,
    principal: `${s.who}@acme.io`,
    place: s.place ?? 'londonHome',
    client: s.client ?? 'chromeMac',
    op: `okta:${s.type}`,
    source: 'okta',
    ...(s.ip ? { ip: s.ip } : {}),
    ...(s.failed ? { outcome: 'failure' as const, error: 'INVALID_CREDENTIALS' } : {}),
    ...(s.target ? { resource: `User:${s.target}@acme.io` } : {}),
  });
  if (s.session !== undefined) e.credential_kind = 'saas_session';
  if (s.device !== undefined) e.device_id = s.device;
  e.attributes = { event_type: s.type, ...(attempt ? { sign_in_attempt: true } : {}) };
  return e;
}

/** Two weeks of a person's working days: a session each morning on their laptop at home, apps opened until evening. */
function habit(who: string, device = `dt-${who}`): EnrichedEvent[] {
  const out: EnrichedEvent[] = [];
  for (let d = 0; d < 14; d++) {
    const session = `idx-${who}-${d}`;
    const day = T0 + d * DAY;
    out.push(okta({ at: day + 9 * HOUR, type: 'policy.evaluate_sign_on', who, session, device }));
    out.push(okta({ at: day + 9 * HOUR + 20_000, type: 'user.session.start', who, session, device }));
    for (let t = 10 * HOUR; t < 17 * HOUR; t += 50 * MIN)
      out.push(okta({ at: day + t, type: 'user.authentication.sso', who, session, device }));
  }
  return out;
}

const playbook = (alerts: Alert[], name: string) => alerts.filter((a) => a.evidence.playbook === name);

function withHabits(...people: string[]): DetectionEngine {
  const engine = createDetectionEngine();
  run(
    engine,
    people.flatMap((p) => habit(p)).sort((a, b) => a.ts - b.ts),
  );
  return engine;
}

describe('Okta: a password spray that worked', () => {
  const spray = (from: number): EnrichedEvent[] =>
    ['ann', 'ben', 'cai', 'dee', 'eve', 'fay', 'gus'].map((who, i) =>
      okta({ at: from + i * 90_000, type: 'user.session.start', who, failed: true, place: 'newYork', client: 'firefoxLinux' }),
    );
  const signIn = (who: string, at: number, place: PlaceName, client: ClientName, device: string): EnrichedEvent[] =>
    ['policy.evaluate_sign_on', 'user.session.start', 'user.authentication.sso'].map((type, i) =>
      okta({ at: at + i * 5_000, type, who, session: `idx-${who}-now`, place, client, device }),
    );

  it('pages the account signed in with the spray’s user agent from a network, client and device new to it', () => {
    const engine = withHabits('qa');
    const t = AFTER;
    const alerts = run(engine, [...spray(t), ...signIn('qa', t + 20 * MIN, 'paris', 'firefoxLinux', 'dt-sprayer')]);
    const [found] = playbook(alerts, 'password_spray_success');
    assert.ok(found, JSON.stringify(alerts.map((a) => a.summary)));
    assert.equal(found.severity, 'high', JSON.stringify(found.evidence));
    assert.equal(found.credential, 'idx-qa-now');
    assert.equal(found.evidence.sprayed_people, 7);
  });

  it('hard negatives: a person of the org signing in on their own laptop during the spray; a spray of two people', () => {
    const engine = withHabits('qa');
    const alerts = run(engine, [...spray(AFTER), ...signIn('qa', AFTER + 20 * MIN, 'londonHome', 'firefoxLinux', 'dt-qa')]);
    assert.deepEqual(playbook(alerts, 'password_spray_success'), []);
    const few = withHabits('qa');
    const small = run(few, [...spray(AFTER).slice(0, 2), ...signIn('qa', AFTER + 20 * MIN, 'paris', 'firefoxLinux', 'dt-sprayer')]);
    assert.deepEqual(playbook(small, 'password_spray_success'), []);
  });
});

describe('Okta: a factor enrolled from a session signed in on a new device', () => {
  // A proxy exit in her town and ISP still has an address of its own (ana's habits never use .250).
  const session = (device: string, extra: Step[] = [], ip = '198.51.245.250'): EnrichedEvent[] => {
    const steps: Step[] = [
      { at: AFTER, type: 'policy.evaluate_sign_on', who: 'ana', session: 'idx-ana-now', device, ip },
      { at: AFTER + 20_000, type: 'user.session.start', who: 'ana', session: 'idx-ana-now', device, ip },
      ...extra,
      { at: AFTER + 6 * MIN, type: 'user.mfa.factor.activate', who: 'ana', session: 'idx-ana-now', device, target: 'ana', ip },
    ];
    return steps.map(okta);
  };

  it('pages at the enrolment, from the owner’s own town and browser string (a residential proxy’s exit)', () => {
    const alerts = run(withHabits('ana'), session('dt-proxy-browser'));
    const [found] = playbook(alerts, 'factor_on_new_device');
    assert.ok(found, JSON.stringify(alerts.map((a) => a.summary)));
    assert.equal(found.severity, 'high');
    assert.equal(found.stage, 'persistence');
  });

  it('hard negatives: the owner’s own laptop; a new laptop whose owner removed the old phone’s factor first', () => {
    assert.deepEqual(playbook(run(withHabits('ana'), session('dt-ana')), 'factor_on_new_device'), []);
    const replaced = session('dt-new-laptop', [
      {
        at: AFTER + 4 * MIN,
        type: 'user.mfa.factor.deactivate',
        who: 'ana',
        session: 'idx-ana-now',
        device: 'dt-new-laptop',
        target: 'ana',
      },
    ]);
    assert.deepEqual(playbook(run(withHabits('ana'), replaced), 'factor_on_new_device'), []);
  });

  it('hard negative: a new laptop set up at home, Okta Verify enrolled on it from her own address: medium, not a page', () => {
    // Seen in a blind test: a new laptop, signed in and enrolled a minute later from the person's usual home address,
    // paged as an attacker's authenticator. The address itself is hers (a proxy exit in her town has another).
    const home = '203.0.113.41';
    const engine = createDetectionEngine();
    run(
      engine,
      habit('ana').map((e) => ({ ...e, source_ip: home })),
    );
    const alerts = run(engine, session('dt-new-laptop', [], home));
    const [found] = playbook(alerts, 'factor_on_new_device');
    assert.ok(found, JSON.stringify(alerts.map((a) => a.summary)));
    assert.equal(found.severity, 'medium');
    assert.equal(found.evidence.known_ip, true);
  });
});

describe('Okta: push fatigue is someone else’s sign-in', () => {
  it('hard negative: the owner refusing their own pushes, then signing in on their laptop at home', () => {
    const steps: Step[] = [{ at: AFTER, type: 'policy.evaluate_sign_on', who: 'hal', session: 'idx-hal-now', device: 'dt-hal' }];
    for (let k = 0; k < 4; k++) {
      steps.push({
        at: AFTER + (k + 1) * 30_000,
        type: 'system.push.send_factor_verify_push',
        who: 'hal',
        session: 'idx-hal-now',
        device: 'dt-hal',
      });
      if (k < 3)
        steps.push({
          at: AFTER + (k + 1) * 30_000 + 10_000,
          type: 'user.mfa.okta_verify.deny_push',
          who: 'hal',
          session: 'idx-hal-now',
          device: 'dt-hal',
          failed: true,
        });
    }
    steps.push({ at: AFTER + 3 * MIN, type: 'user.authentication.auth_via_mfa', who: 'hal', session: 'idx-hal-now', device: 'dt-hal' });
    const alerts = run(withHabits('hal'), steps.map(okta));
    assert.deepEqual(playbook(alerts, 'mfa_fatigue'), []);
  });
});

describe('Okta: which changes weaken the org', () => {
  it('a new log stream is no evasion; switching one off is', () => {
    assert.notEqual(classifyOperationName('okta:system.log_stream.lifecycle.create').privilege, 'defense_evasion');
    assert.equal(classifyOperationName('okta:system.log_stream.lifecycle.deactivate').privilege, 'defense_evasion');
  });

  it('a read-only or report role is no administrator grant; a super administrator, or an unnamed role, is', () => {
    const grant = (role?: string) =>
      ({ operation: 'okta:user.account.privilege.grant', attributes: role === undefined ? {} : { okta_role: role } }) as EnrichedEvent;
    assert.equal(isAdminGrant(grant('Read-only Administrator')), false);
    assert.equal(isAdminGrant(grant('REPORT_ADMIN')), false);
    assert.equal(isAdminGrant(grant('Super Administrator')), true);
    assert.equal(isAdminGrant(grant('Read-only Administrator, Super Administrator')), true);
    assert.equal(isAdminGrant(grant()), true);
  });
});
