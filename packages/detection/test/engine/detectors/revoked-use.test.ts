import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine, type DetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, ev, HOUR, MIN, run } from '../helpers/events.js';

// aliceHistory's credential and principal, at work from home in London with Chrome.
const alice = { cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac', ip: '198.51.245.1' } as const;
const thief = { cred: 'AKIAALICE', principal: 'alice', place: 'frankfurtVps', client: 'pythonRequests' } as const;
const REVOKED_AT = AFTER;

function learned(): DetectionEngine {
  const engine = createDetectionEngine();
  run(engine, aliceHistory());
  return engine;
}

function revocation(lifecycle = 'token.revoked', at = REVOKED_AT) {
  // Done by an administrator from elsewhere: its place is not the holder's.
  return ev({ cred: 'AKIAALICE', principal: 'admin', place: 'newYork', client: 'chromeMac', at, lifecycle });
}

function lifecycleAlerts(alerts: ReturnType<typeof run>) {
  return byRule(alerts, 'token_lifecycle');
}

describe('detector: a credential used after the stream revoked it', () => {
  it('accepted from its own device and network after its revocation: the revocation did not reach this system (high)', () => {
    const engine = learned();
    const alerts = run(engine, [
      revocation(),
      ev({ ...alice, at: REVOKED_AT + 2 * HOUR, op: 's3:ListBuckets', status: 200, outcome: 'success' }),
    ]);
    const found = lifecycleAlerts(alerts);
    assert.equal(found.length, 1, JSON.stringify(alerts.map((a) => [a.rule, a.severity, a.summary])));
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.evidence.kind, 'revoked_token_accepted');
    assert.equal(found[0]!.evidence.revoked_at, new Date(REVOKED_AT).toISOString());
    assert.match(found[0]!.summary, /120 min earlier still accepted/);
  });

  it('accepted from a rented server with a script: critical; refused there with no error code: still a revoked token presented', () => {
    const accepted = lifecycleAlerts(
      run(learned(), [revocation(), ev({ ...thief, at: REVOKED_AT + HOUR, op: 'sts:GetCallerIdentity', status: 200, outcome: 'success' })]),
    );
    assert.equal(accepted[0]?.severity, 'critical');
    const refused = lifecycleAlerts(
      run(learned(), [revocation(), ev({ ...thief, at: REVOKED_AT + HOUR, op: 'sts:GetCallerIdentity', status: 401, outcome: 'failure' })]),
    );
    assert.equal(refused[0]?.evidence.kind, 'revoked_token_presented');
    assert.ok(refused[0]?.severity === 'high' || refused[0]?.severity === 'critical', refused[0]?.severity);
  });

  it('a suspension counts until the credential is reinstated', () => {
    const use = (at: number) => ev({ ...alice, at, op: 's3:ListBuckets', status: 200, outcome: 'success' });
    const suspended = lifecycleAlerts(run(learned(), [revocation('token.suspended'), use(REVOKED_AT + HOUR)]));
    assert.equal(suspended.length, 1);
    const reinstated = run(learned(), [
      revocation('token.suspended'),
      revocation('token.reinstated', REVOKED_AT + 30 * MIN),
      use(REVOKED_AT + HOUR),
    ]);
    assert.deepEqual(lifecycleAlerts(reinstated), []);
  });

  it('hard negatives: use before the revocation or in flight when it happened, and another credential of the same person', () => {
    const engine = learned();
    const alerts = run(engine, [
      ev({ ...alice, at: REVOKED_AT - MIN, op: 's3:ListBuckets' }),
      revocation(),
      // Stamped five seconds after: a request in flight, or a clock slightly behind the token service's.
      ev({ ...alice, at: REVOKED_AT + 5_000, op: 's3:ListBuckets' }),
      ev({ ...alice, cred: 'AKIAALICE2', at: REVOKED_AT + HOUR, op: 's3:ListBuckets' }),
    ]);
    assert.deepEqual(lifecycleAlerts(alerts), []);
  });

  it('remembers the revocation across a snapshot and restore', () => {
    const engine = learned();
    run(engine, [revocation()]);
    const restored = createDetectionEngine();
    restored.restore(engine.snapshot());
    const found = lifecycleAlerts(run(restored, [ev({ ...alice, at: REVOKED_AT + HOUR, op: 's3:ListBuckets', status: 200 })]));
    assert.equal(found.length, 1);
  });
});
