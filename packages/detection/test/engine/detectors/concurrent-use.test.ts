import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, ev, MIN, run } from '../helpers/events.js';

describe('detector: concurrent use', () => {
  it('reports traffic interleaving between home broadband and a foreign VPS', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const places = ['londonHome', 'frankfurtVps', 'londonHome', 'frankfurtVps', 'londonHome'] as const;
    // 30 s apart: too close for travel checks to be the only signal, and the credential keeps switching back.
    const alerts = run(
      engine,
      places.map((place, i) => ev({ at: AFTER + i * 30_000, cred: 'AKIAALICE', principal: 'alice', place, client: 'chromeMac' })),
    );
    const [a] = byRule(alerts, 'concurrent_use');
    assert.ok(a, 'concurrent_use raised');
    assert.ok((a.evidence.distance_km as number) > 500 || (a.evidence.switch_backs as number) >= 2);
  });

  it('hard negative: a laptop moving from Wi-Fi to a phone hotspot in the same city', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
      ev({ at: AFTER + MIN, cred: 'AKIAALICE', principal: 'alice', place: 'londonMobile', client: 'chromeMac' }),
      ev({ at: AFTER + 2 * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'londonMobile', client: 'chromeMac' }),
      ev({ at: AFTER + 3 * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
    ]);
    assert.equal(byRule(alerts, 'concurrent_use').length, 0);
  });
});
