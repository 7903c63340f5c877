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

  it('hard negative: a flight to London after the phone’s last call, which its carrier geolocated to Dallas', () => {
    const engine = createDetectionEngine();
    run(engine, workdays({ cred: 'AKIADANA', principal: 'dana', days: 20, perDay: 8, places: ['newYork'], client: 'chromeMac' }));
    // At the gate in New York on T-Mobile, whose gateway the databases place in Dallas; 7 h 10 min later, London.
    const gate = ev({ at: T0 + 22 * DAY + 15 * HOUR, cred: 'AKIADANA', principal: 'dana', place: 'seattleMobile', client: 'chromeMac' });
    gate.geo = { country: 'US', city: 'Dallas', lat: 32.78, lon: -96.8, asn: 64521, as_org: 'US Wireless', asn_kind: 'mobile' };
    const landed = ev({ at: gate.ts + 430 * MIN, cred: 'AKIADANA', principal: 'dana', place: 'londonHome', client: 'chromeMac' });
    const travel = byRule(run(engine, [gate, landed]), 'impossible_travel');
    assert.deepEqual(
      travel.map((a) => a.summary),
      [],
    );
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

  it('hard negative: one service active in two regions, two fixed servers sharing its key, is no journey', () => {
    // A webhook relay on one server in Virginia and one in Oregon, each calling every two minutes: as a pinned server
    // it has no "same cloud" excuse, and every hop between them was a low alert (712 in a month of a blind test).
    const engine = createDetectionEngine();
    const relay = (i: number, ip?: string) =>
      ev({
        at: T0 + i * MIN,
        cred: 'tw_relay',
        principal: 'svc-relay',
        place: i % 2 === 0 ? 'awsVirginia' : 'awsOregon2',
        ip: ip ?? (i % 2 === 0 ? '3.80.1.10' : '44.230.1.20'),
        client: 'boto3',
        op: 'POST /v1/webhooks/deliveries',
      });
    const month = Array.from({ length: 4000 }, (_, i) => relay(i));
    const alerts = byRule(run(engine, month), 'impossible_travel');
    assert.ok(
      alerts.every((a) => Date.parse(a.time) < T0 + 60 * MIN),
      `${alerts.length} hops reported after the first hour`,
    );
    // A third address in Virginia is not one of the two servers: the key copied to another machine of that cloud.
    assert.equal(byRule(run(engine, [relay(4000, '3.80.9.99')]), 'impossible_travel').length, 1);
  });

  describe('a machine key used by its fleet and by someone at a laptop', () => {
    // An API key its servers in AWS Dublin call all day, then a developer's CLI from home in Paris: the fleet did
    // not fly to Paris. Whether the laptop is the developer's or a thief's is for the new place and what it does.
    const fleet = (days: number) =>
      workdays({
        cred: 'tw_fleet',
        principal: 'svc-billing',
        days,
        perDay: 48,
        places: ['awsDublin'],
        client: 'pythonRequests',
        weekends: true,
        startHour: 0,
        endHour: 24,
      });

    it('hard negative: no journey between the fleet’s cloud and the laptop, in either direction', () => {
      const engine = createDetectionEngine();
      run(engine, fleet(20));
      const at = T0 + 21 * DAY;
      const alerts = run(engine, [
        ev({ at, cred: 'tw_fleet', principal: 'svc-billing', place: 'awsDublin', client: 'pythonRequests' }),
        ev({ at: at + 2 * MIN, cred: 'tw_fleet', principal: 'svc-billing', place: 'paris', client: 'awsCliMac' }),
        ev({ at: at + 3 * MIN, cred: 'tw_fleet', principal: 'svc-billing', place: 'awsDublin', client: 'pythonRequests' }),
      ]);
      assert.equal(byRule(alerts, 'impossible_travel').length, 0);
    });

    it('a browser session that hops from home to a server still travels', () => {
      const engine = createDetectionEngine();
      run(engine, aliceHistory());
      const alerts = run(engine, [
        ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' }),
        ev({ at: AFTER + 10 * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'singaporeVps', client: 'chromeMac' }),
      ]);
      assert.equal(byRule(alerts, 'impossible_travel').length, 1);
    });

    it('the fleet’s key in another cloud is still a journey', () => {
      const engine = createDetectionEngine();
      run(engine, fleet(20));
      const at = T0 + 21 * DAY;
      const alerts = run(engine, [
        ev({ at, cred: 'tw_fleet', principal: 'svc-billing', place: 'awsDublin', client: 'pythonRequests' }),
        ev({ at: at + 5 * MIN, cred: 'tw_fleet', principal: 'svc-billing', place: 'singaporeVps', client: 'pythonRequests' }),
      ]);
      assert.equal(byRule(alerts, 'impossible_travel').length, 1);
    });
  });
});
