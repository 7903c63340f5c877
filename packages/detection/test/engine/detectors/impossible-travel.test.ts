import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, DAY, ev, HOUR, MIN, run, T0, workdays } from '../helpers/events.js';

describe('detector: impossible travel', () => {
  it('reports London to New York in 30 minutes', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
      ev({ at: AFTER + 30 * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'newYork', client: 'chromeMac' }),
    ]);
    const [a] = byRule(alerts, 'impossible_travel');
    assert.ok(a);
    assert.ok((a.evidence.speed_kmh as number) > 900);
    assert.ok((a.evidence.distance_km as number) > 5000);
  });

  it('hard negative: the same trip in 9 hours is a flight', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
      ev({ at: AFTER + 9 * HOUR, cred: 'AKIAALICE', principal: 'alice', place: 'newYork', client: 'chromeMac' }),
    ]);
    assert.equal(byRule(alerts, 'impossible_travel').length, 0);
  });

  it('hard negative: a phone on a carrier whose addresses geolocate across the country', () => {
    const engine = createDetectionEngine();
    run(engine, workdays({ cred: 'AKIADANA', principal: 'dana', days: 20, perDay: 8, places: ['newYork'], client: 'chromeMac' }));
    const alerts = run(engine, [
      ev({ at: T0 + 22 * DAY + 15 * HOUR, cred: 'AKIADANA', principal: 'dana', place: 'newYork', client: 'chromeMac' }),
      ev({ at: T0 + 22 * DAY + 15 * HOUR + 40 * MIN, cred: 'AKIADANA', principal: 'dana', place: 'seattleMobile', client: 'chromeMac' }),
    ]);
    const travel = byRule(alerts, 'impossible_travel');
    assert.ok(travel.every((a) => a.severity === 'low'));
    assert.equal(travel[0]?.evidence.mobile_in_known_country, true);
    // A carrier in a country the credential never worked in is still a journey nobody can make.
    const fromLondon = createDetectionEngine();
    run(fromLondon, aliceHistory());
    const abroad = run(fromLondon, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
      ev({ at: AFTER + 30 * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'seattleMobile', client: 'chromeMac' }),
    ]);
    assert.equal(byRule(abroad, 'impossible_travel')[0]?.evidence.mobile_in_known_country, false);
    assert.ok(byRule(abroad, 'impossible_travel')[0]?.severity !== 'low');
  });

  it('hard negative: VPN exits say nothing about location', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
      ev({ at: AFTER + 5 * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'vpnTokyo', client: 'chromeMac' }),
      ev({ at: AFTER + 10 * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
    ]);
    assert.equal(byRule(alerts, 'impossible_travel').length, 0);
  });

  it('hard negative: a CI runner moving between regions of one cloud', () => {
    const engine = createDetectionEngine();
    const history = [
      ...workdays({
        cred: 'AKIACI',
        principal: 'ci-bot',
        days: 20,
        perDay: 24,
        places: ['awsVirginia', 'awsOregon'],
        client: 'terraform',
        weekends: true,
        startHour: 0,
        endHour: 24,
      }),
    ];
    run(engine, history);
    const alerts = run(engine, [
      ev({ at: T0 + 21 * DAY, cred: 'AKIACI', principal: 'ci-bot', place: 'awsVirginia', client: 'terraform' }),
      ev({ at: T0 + 21 * DAY + 2 * MIN, cred: 'AKIACI', principal: 'ci-bot', place: 'awsDublin', client: 'terraform' }),
    ]);
    assert.equal(byRule(alerts, 'impossible_travel').length, 0);
    assert.equal(byRule(alerts, 'concurrent_use').length, 0);
  });
});
