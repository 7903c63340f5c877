import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, ev, pages, run } from '../helpers/events.js';

describe('detector: token lifecycle', () => {
  it('canary use is critical even with no history', () => {
    const alerts = run(createDetectionEngine(), [
      ev({ at: AFTER, cred: 'tw_canary_1', place: 'torExit', client: 'pythonRequests', lifecycle: 'canary.used' }),
    ]);
    const [a] = byRule(alerts, 'token_lifecycle');
    assert.ok(a);
    assert.equal(a.severity, 'critical');
  });

  it('a revoked token from an unfamiliar context pages; from its old device it is a stale client', () => {
    const hostile = createDetectionEngine();
    run(hostile, aliceHistory());
    const h = byRule(
      run(hostile, [
        ev({
          at: AFTER,
          cred: 'AKIAALICE',
          principal: 'alice',
          place: 'singaporeVps',
          client: 'pythonRequests',
          lifecycle: 'token.revoked_use',
        }),
      ]),
      'token_lifecycle',
    );
    assert.ok(h[0] && (h[0].severity === 'high' || h[0].severity === 'critical'));
    const stale = createDetectionEngine();
    run(stale, aliceHistory());
    const s = run(stale, [
      ev({
        at: AFTER,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonHome',
        ip: '198.51.245.1',
        client: 'chromeMac',
        lifecycle: 'token.revoked_use',
      }),
    ]);
    assert.equal(byRule(s, 'token_lifecycle')[0]?.severity, 'medium');
    assert.deepEqual(pages(s), []);
  });

  it('DPoP failure spike and checksum spray across many keys from one IP', () => {
    const engine = createDetectionEngine();
    const dpop = [];
    for (let i = 0; i < 6; i++)
      dpop.push(ev({ at: AFTER + i * 1000, cred: 'tok_a', place: 'frankfurtVps', lifecycle: 'dpop.failure', status: 401 }));
    assert.equal(byRule(run(engine, dpop), 'token_lifecycle').filter((a) => a.evidence.kind === 'dpop_failure_spike').length, 1);
    const spray = [];
    for (let i = 0; i < 25; i++)
      spray.push(
        ev({
          at: AFTER + i * 500,
          cred: `tw_guess_${i}`,
          place: 'torExit',
          ip: '203.0.113.9',
          lifecycle: 'key.checksum_failure',
          status: 401,
        }),
      );
    assert.ok(byRule(run(engine, spray), 'token_lifecycle').some((a) => a.evidence.kind === 'checksum_spray'));
  });

  it('hard negative: routine lifecycle events and a single DPoP failure', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac', lifecycle: 'token.revoked' }),
      ev({
        at: AFTER + 1000,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonHome',
        client: 'chromeMac',
        lifecycle: 'token.expired',
        status: 401,
      }),
      ev({
        at: AFTER + 2000,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonHome',
        client: 'chromeMac',
        lifecycle: 'dpop.failure',
        status: 401,
      }),
    ]);
    assert.equal(byRule(alerts, 'token_lifecycle').length, 0);
  });
});
