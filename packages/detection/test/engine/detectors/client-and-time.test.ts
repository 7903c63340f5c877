import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, aliceHistory, byRule, DAY, ev, HOUR, MIN, pages, run, T0, workdays } from '../helpers/events.js';

describe('detector: new device or client', () => {
  it('reports a scripted client on an always-interactive credential', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'pythonRequests', op: 's3:ListBuckets' }),
    ]);
    const [a] = byRule(alerts, 'new_client');
    assert.ok(a);
    assert.ok((a.evidence.reasons as string[]).includes('scripted use of an always-interactive credential'));
  });

  it('judges a short-lived session credential by its principal habits', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'ASIASESSION1', principal: 'alice', place: 'londonHome', client: 'pythonRequests', op: 's3:ListBuckets' }),
    ]);
    assert.ok(
      byRule(alerts, 'new_client').some((a) =>
        (a.evidence.reasons as string[]).includes('scripted use of an always-interactive credential'),
      ),
    );
  });

  it("hard negative: a console user's first CLI session on their Mac at their desk is no scripted takeover; elsewhere it is", () => {
    // Blind test #12: an IAM Identity Center user who had only used the console ran `aws sso login` at home; the
    // "scripted use of an always-interactive credential" made the session suspicious and its routine calls a chain.
    const judge = (ip: string) => {
      const engine = createDetectionEngine();
      run(engine, aliceHistory());
      const alerts = run(engine, [
        ev({ at: AFTER, cred: 'ASIASESSION2', principal: 'alice', place: 'londonHome', client: 'awsCliMac', op: 's3:ListBuckets', ip }),
      ]);
      return byRule(alerts, 'new_client').flatMap((a) => a.evidence.reasons as string[]);
    };
    const home = `198.51.${64_501 % 256}.1`; // an address of her history at home
    assert.ok(!judge(home).includes('scripted use of an always-interactive credential'), judge(home).join(', '));
    assert.ok(judge('203.0.113.9').includes('scripted use of an always-interactive credential'));
  });

  it('reports a TLS fingerprint change on a credential with a stable fingerprint', () => {
    const engine = createDetectionEngine();
    const history = aliceHistory().map((e) => ({ ...e, tls_fingerprint: 'ja4:t13d1516h2_8daaf6152771' }));
    run(engine, history);
    const alerts = run(engine, [
      ev({
        at: AFTER,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonHome',
        ip: '198.51.245.99',
        client: 'chromeMac',
        tls: 'ja4:t13d0912h1_aaaaaaaaaaaa',
      }),
    ]);
    assert.ok(byRule(alerts, 'new_client').some((a) => (a.evidence.reasons as string[]).includes('new TLS fingerprint')));
  });

  it('hard negative: a new laptop (new browser and OS) at the usual desk is low at most', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({
        at: AFTER,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonOffice',
        ip: '198.51.246.1',
        client: 'firefoxLinux',
        interactive: true,
      }),
    ]);
    for (const a of byRule(alerts, 'new_client')) assert.equal(a.severity, 'low');
  });

  // aws-cli from a penetration-testing distribution, as the enricher reads `Linux/6.5.0-kali3-amd64`.
  const kali = (e: EnrichedEvent): EnrichedEvent => ({
    ...e,
    user_agent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2024',
    client: { family: 'aws-cli', os: 'Kali Linux', scripted: true, offensive: 'Kali Linux' },
  });

  it('flags offensive tooling a key never used, and the changes that follow page', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      kali(ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'awsCli', op: 'sts:GetCallerIdentity' })),
      kali(ev({ at: AFTER + MIN, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'awsCli', op: 'iam:CreateUser' })),
    ]);
    const [a] = byRule(alerts, 'new_client');
    assert.ok(a && (a.evidence.reasons as string[]).includes('offensive tooling (Kali Linux)'));
    assert.ok(pages(alerts).some((p) => p.rule === 'privileged_change' || p.rule === 'attack_chain'));
  });

  it('flags offensive tooling on a credential with no history at all (a leaked key tried by TruffleHog)', () => {
    const engine = createDetectionEngine();
    const probe = ev({
      at: AFTER,
      cred: 'AKIALEAKED',
      principal: 'build',
      place: 'frankfurtVps',
      client: 'awsCli',
      op: 'sts:GetCallerIdentity',
    });
    const alerts = run(engine, [
      { ...probe, user_agent: 'TruffleHog', client: { family: 'bot (TruffleHog)', scripted: true, offensive: 'TruffleHog' } },
    ]);
    assert.ok(byRule(alerts, 'new_client').some((a) => (a.evidence.reasons as string[]).includes('offensive tooling (TruffleHog)')));
  });

  it("hard negative: a red team's key that always ran from Kali", () => {
    const engine = createDetectionEngine();
    run(
      engine,
      [...workdays({ cred: 'AKIARED', principal: 'red', days: 20, perDay: 10, places: ['londonOffice'], client: 'awsCli' })].map(kali),
    );
    const alerts = run(engine, [
      kali(ev({ at: T0 + 22 * DAY + 10 * HOUR, cred: 'AKIARED', principal: 'red', place: 'londonOffice', client: 'awsCli' })),
    ]);
    assert.equal(byRule(alerts, 'new_client').length, 0);
  });

  // One Okta session: three calls from the browser that signed in, then the same session from another device.
  const session = (kind: 'saas_session' | 'api_key') =>
    ['dt-laptop', 'dt-laptop', 'dt-laptop', 'dt-elsewhere'].map((device, i) => ({
      ...ev({
        at: AFTER + i * MIN,
        cred: 'sess-102abc',
        principal: 'alice',
        place: 'londonHome',
        client: 'chromeMac',
        op: 'okta:user.authentication.sso',
      }),
      credential_kind: kind,
      device_id: device,
    }));

  it('pages on a session used from another device than it started on (a replayed session cookie)', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, session('saas_session'));
    const moved = byRule(alerts, 'new_client').find((a) =>
      (a.evidence.reasons as string[]).includes('session used from another device than it started on'),
    );
    assert.ok(moved, alerts.map((a) => a.summary).join('\n'));
    assert.equal(moved.evidence.device_id, 'dt-elsewhere');
    assert.ok(moved.severity === 'high' || moved.severity === 'critical');
  });

  it('hard negative: an API key used from two devices is no moved session', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, session('api_key'));
    assert.ok(!alerts.some((a) => JSON.stringify(a.evidence).includes('session used from another device')));
  });

  it('hard negative: a scripted CI credential using its usual SDK', () => {
    const engine = createDetectionEngine();
    run(
      engine,
      workdays({ cred: 'AKIACI', principal: 'ci', days: 20, perDay: 10, places: ['awsVirginia'], client: 'boto3', interactive: false }),
    );
    const alerts = run(engine, [
      ev({ at: T0 + 22 * DAY + 10 * HOUR, cred: 'AKIACI', principal: 'ci', place: 'awsVirginia', client: 'boto3', interactive: false }),
    ]);
    assert.equal(byRule(alerts, 'new_client').length, 0);
  });
});

describe('detector: unusual time', () => {
  it('reports 03:00 activity by a nine-to-five credential', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER - 7 * HOUR, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
    ]);
    const [a] = byRule(alerts, 'unusual_time');
    assert.ok(a);
    assert.equal(a.evidence.basis, 'credential');
    assert.notEqual(a.severity, 'high');
  });

  it('hard negative: recurring on-call nights are learned', () => {
    const engine = createDetectionEngine();
    const history = [...aliceHistory()];
    for (let week = 0; week < 4; week++) {
      for (let i = 0; i < 6; i++) {
        history.push(
          ev({
            at: T0 + week * 7 * DAY + DAY + 2 * HOUR + i * 10 * MIN,
            cred: 'AKIAALICE',
            principal: 'alice',
            place: 'londonHome',
            client: 'chromeMac',
          }),
        );
      }
    }
    history.sort((a, b) => a.ts - b.ts);
    run(engine, history);
    const alerts = run(engine, [
      ev({ at: T0 + 36 * DAY + 2 * HOUR + 30 * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
    ]);
    assert.equal(byRule(alerts, 'unusual_time').length, 0);
  });

  it('hard negative: a young role whose session keys rotate every six hours, in a nine-to-five org', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    // Three days of a role (too short for its own profile to be trusted) on a new key every 6 hours.
    const start = T0 + 31 * DAY;
    const role = [];
    let key = 0;
    for (let slot = 0; slot < 12; slot++) {
      key++;
      for (let i = 0; i < 3; i++) {
        role.push(
          ev({
            at: start + slot * 6 * HOUR + i * 20 * MIN,
            cred: `ASIAROLE${key}`,
            principal: 'webapp-role',
            place: 'awsVirginia',
            client: 'boto3',
          }),
        );
      }
    }
    const learning = run(engine, role);
    // The org profile alone flags the role's first nights; once the principal has worked an hour it is habit.
    const afterFirstDay = byRule(learning, 'unusual_time').filter((a) => Date.parse(a.time) >= start + DAY);
    assert.deepEqual(
      afterFirstDay.map((a) => a.credential),
      [],
    );
    const alerts = run(engine, [
      ev({ at: start + 3 * DAY + 2 * MIN, cred: 'ASIAROLE99', principal: 'webapp-role', place: 'awsVirginia', client: 'boto3' }),
    ]);
    assert.equal(byRule(alerts, 'unusual_time').length, 0);
    // The same org still flags a young principal at an hour neither it nor the org has ever worked.
    run(engine, workdays({ cred: 'AKIABOB', principal: 'bob', days: 3, perDay: 8, places: ['londonOffice'], client: 'chromeMac', start }));
    const night = run(engine, [
      ev({ at: start + 3 * DAY + 3 * HOUR, cred: 'AKIABOB2', principal: 'bob', place: 'londonOffice', client: 'chromeMac' }),
    ]);
    assert.equal(byRule(night, 'unusual_time')[0]?.evidence.basis, 'organisation');
  });

  it('hard negative: a 24/7 service and a brand-new employee', () => {
    const engine = createDetectionEngine();
    run(
      engine,
      workdays({
        cred: 'AKIASVC',
        principal: 'svc',
        days: 20,
        perDay: 48,
        places: ['awsVirginia'],
        client: 'boto3',
        weekends: true,
        startHour: 0,
        endHour: 24,
      }),
    );
    const alerts = run(engine, [
      ev({ at: T0 + 21 * DAY + 3 * HOUR, cred: 'AKIASVC', principal: 'svc', place: 'awsVirginia', client: 'boto3' }),
      ev({ at: T0 + 21 * DAY + 14 * HOUR, cred: 'AKIANEW', principal: 'newbie', place: 'londonOffice', client: 'chromeMac' }),
    ]);
    assert.equal(byRule(alerts, 'unusual_time').length, 0);
    assert.deepEqual(pages(alerts), []);
  });
});
