import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, DAY, type EventSpec, ev, HOUR, MIN, pages, run, T0 } from '../helpers/events.js';

// A thief trying what a stolen key may do, one call every ten to forty seconds, refused five times in all:
// far below a scripted sweep's failure burst.
const RECON = [
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:ListRoles',
  'iam:ListUsers',
  'iam:GetAccountAuthorizationDetails',
  'secretsmanager:GetSecretValue',
];

function refusals(spec: Omit<EventSpec, 'at' | 'op'>, start: number, ops = RECON, gapMs = 40_000) {
  return ops.map((op, i) => ev({ ...spec, at: start + i * gapMs, op, outcome: 'failure', error: 'AccessDenied', status: 403 }));
}

/** Two days of a new data engineer's boto3 key from home: a credential still in its learning period. */
function youngKey(days = 2) {
  const out = [];
  for (let d = 0; d < days; d++)
    for (let i = 0; i < 25; i++)
      out.push(
        ev({
          cred: 'AKIADATA',
          principal: 'liam',
          place: 'newYork',
          client: 'boto3',
          at: T0 + d * DAY + 14 * HOUR + i * 10 * MIN,
          op: ['s3:ListObjectsV2', 's3:GetObject', 's3:PutObject'][i % 3]!,
        }),
      );
  return out;
}

describe('detector: refused reconnaissance (slow, baseline-free)', () => {
  it("hard negative: a new hire's first morning, refused here and there by the console, then their own first key", () => {
    // A blind test's day-one employee: half an hour at home, then the office, six pages their role may not see in
    // four minutes, then an API key for themselves. The refusals made the context "suspicious", so the key paged
    // critical twice (privileged change and chain). Uncorroborated refusals of a credential still being learned are
    // reported (medium), but are not yet an attacker context.
    const hire: Omit<EventSpec, 'at' | 'op'> = { cred: 'tw_at_hire', principal: 'new-hire', place: 'londonOffice', client: 'chromeMac' };
    const morning = [
      ...Array.from({ length: 30 }, (_, i) => ev({ ...hire, at: AFTER + i * MIN, method: 'GET', path: `/v1/projects/${i % 5}/issues` })),
      ...[
        '/v1/users',
        '/v1/org/settings',
        '/v1/billing/invoices',
        '/v1/audit-log',
        '/v1/projects/7/secrets',
        '/v1/admin/feature-flags',
      ].map((path, i) => ev({ ...hire, at: AFTER + 40 * MIN + i * 40_000, method: 'GET', path, status: 403 })),
      ev({ ...hire, at: AFTER + 50 * MIN, method: 'POST', path: '/v1/api-keys', status: 201 }),
    ];
    const alerts = run(createDetectionEngine(), morning);
    assert.ok(byRule(alerts, 'probing').length > 0, 'the refusals are still reported');
    assert.deepEqual(
      pages(alerts).map((a) => `${a.rule} ${a.severity} ${a.summary}`),
      [],
    );
  });

  it('its count and window come from the config (probing.refusedDistinct, refusedWindowMinutes)', () => {
    const thief = { cred: 'AKIADATA', principal: 'liam', place: 'frankfurtVps', client: 'boto3' } as const;
    const recon = (options: object, gapMs = 40_000) => {
      const engine = createDetectionEngine(options as never);
      run(engine, youngKey());
      const alerts = run(engine, refusals(thief, T0 + 2 * DAY + 15 * HOUR, RECON, gapMs));
      return byRule(alerts, 'probing').filter((a) => a.evidence.kind === 'refused_reconnaissance');
    };
    assert.deepEqual(recon({ probing: { refusedDistinct: 7 } }), []);
    const early = recon({ probing: { refusedDistinct: 3 } });
    assert.equal(early.length, 1);
    assert.equal(early[0]!.time, new Date(T0 + 2 * DAY + 15 * HOUR + 2 * 40_000).toISOString());
    // Five refusals six minutes apart take 24 minutes: inside the default 30, in no window of 20.
    assert.deepEqual(recon({ probing: { refusedWindowMinutes: 20 } }, 6 * MIN), []);
    assert.equal(recon({}, 6 * MIN).length, 1);
  });

  it('pages on the fifth never-used operation refused from a new network, on a key two days old', () => {
    const engine = createDetectionEngine();
    run(engine, youngKey());
    const thief = { cred: 'AKIADATA', principal: 'liam', place: 'frankfurtVps', client: 'boto3' } as const;
    const alerts = run(engine, refusals(thief, T0 + 2 * DAY + 15 * HOUR));
    const recon = byRule(alerts, 'probing').filter((a) => a.evidence.kind === 'refused_reconnaissance');
    assert.equal(recon.length, 1, JSON.stringify(alerts.map((a) => [a.rule, a.severity, a.summary])));
    // Corroborated by the new network's own finding, it may reach critical.
    assert.ok(recon[0]!.severity === 'high' || recon[0]!.severity === 'critical', recon[0]!.severity);
    assert.equal(recon[0]!.time, new Date(T0 + 2 * DAY + 15 * HOUR + 4 * 40_000).toISOString());
    assert.equal(recon[0]!.stage, 'capability_probe');
  });

  it('is medium from the owner’s own place and client: worth a look, not a page', () => {
    const engine = createDetectionEngine();
    run(engine, youngKey());
    const alerts = run(
      engine,
      refusals({ cred: 'AKIADATA', principal: 'liam', place: 'newYork', client: 'boto3' }, T0 + 2 * DAY + 15 * HOUR),
    );
    const recon = byRule(alerts, 'probing').filter((a) => a.evidence.kind === 'refused_reconnaissance');
    assert.equal(recon[0]?.severity, 'medium');
    assert.deepEqual(pages(alerts), []);
  });

  it('hard negatives: a console page that always asks for more than the user may see; a new scanner key’s first run; refusals spread over hours', () => {
    // Alice's console keeps asking for the same five things she may not see: her habit once learned.
    const engine = createDetectionEngine();
    const habit = [];
    for (let d = 0; d < 3; d++)
      habit.push(...refusals({ cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }, T0 + d * DAY + 9 * HOUR));
    run(
      engine,
      [...aliceHistory(), ...habit].sort((a, b) => a.ts - b.ts),
    );
    const again = run(engine, refusals({ cred: 'AKIAALICE', principal: 'alice', place: 'londonMobile', client: 'chromeMac' }, AFTER));
    assert.deepEqual(byRule(again, 'probing'), [], 'refusals of operations already used are habit');

    // A posture scanner's first run: dozens of refusals in its first minutes, from a hosting network, no history.
    const scanner = createDetectionEngine();
    const scan = refusals(
      { cred: 'AKIASCAN', principal: 'scanner', place: 'awsVirginia', client: 'boto3' },
      T0,
      [...RECON, 'guardduty:GetDetector', 'macie2:GetMacieSession', 'kms:GetKeyPolicy'],
      2_000,
    );
    assert.deepEqual(pages(run(scanner, scan)), []);

    // Five refusals over an afternoon are a user hitting walls, not reconnaissance.
    const slow = createDetectionEngine();
    run(slow, youngKey());
    const spread = refusals(
      { cred: 'AKIADATA', principal: 'liam', place: 'frankfurtVps', client: 'boto3' },
      T0 + 2 * DAY + 15 * HOUR,
      RECON,
      40 * MIN,
    );
    assert.deepEqual(
      byRule(run(slow, spread), 'probing').filter((a) => a.evidence.kind === 'refused_reconnaissance'),
      [],
    );
  });
});
