import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, ev, MIN, run, workdays } from '../helpers/events.js';

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

  it('one session from two home lines an ocean apart, both ISPs half the company is on, is still two places', () => {
    // Blind test #12: a stolen SSO session replayed through a residential proxy on Comcast while its owner worked on
    // AT&T 1,200-4,250 km away. Everyone's home ISP is "common in the organisation", which had excused the pair as one
    // company's network (the office VPN). A home line's address says which town its subscriber is in.
    const engine = createDetectionEngine();
    const colleagues = ['londonHome', 'newYork'].flatMap((place, p) =>
      Array.from({ length: 12 }, (_, i) => [
        ...workdays({
          cred: `AKIAC${p}${i}`,
          principal: `colleague-${p}-${i}`,
          days: 34,
          perDay: 2,
          places: [place as 'londonHome' | 'newYork'],
          client: 'chromeMac',
        }),
      ]).flat(),
    );
    run(
      engine,
      [...aliceHistory(), ...colleagues].sort((x, y) => x.ts - y.ts),
    );
    const places = ['londonHome', 'newYork', 'londonHome', 'newYork', 'londonHome'] as const;
    const alerts = run(
      engine,
      places.map((place, i) => ev({ at: AFTER + i * 30_000, cred: 'AKIAALICE', principal: 'alice', place, client: 'chromeMac' })),
    );
    const [a] = byRule(alerts, 'concurrent_use');
    assert.ok(a, alerts.map((x) => `${x.rule} ${x.summary}`).join('\n'));
    assert.ok((a.evidence.distance_km as number) > 5000);
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
