import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, ev, MIN, pages, run, T0, workdays } from '../helpers/events.js';

describe('detector: new place', () => {
  it('reports a first-seen country on a hosting network, with the baseline in evidence', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'frankfurtVps', client: 'chromeMac', op: 's3:ListBuckets' }),
    ]);
    const [a] = byRule(alerts, 'new_place');
    assert.ok(a, 'new_place raised');
    assert.equal(a.evidence.new, 'country');
    assert.equal(a.evidence.asn_kind, 'hosting');
    assert.ok(Array.isArray((a.evidence.baseline as { known_countries: unknown[] }).known_countries));
    assert.equal(a.severity, 'medium', 'novelty alone does not page');
  });

  it('hard negative: a new IP inside a known network and city is nearly nothing', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({
        at: AFTER,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonHome',
        ip: '198.51.245.200',
        client: 'chromeMac',
        op: 's3:ListBuckets',
      }),
    ]);
    assert.equal(byRule(alerts, 'new_place').length, 0);
  });

  it('hard negative: a network half the organisation uses (office VPN) is not novel', () => {
    const engine = createDetectionEngine();
    const history = [];
    for (let u = 0; u < 12; u++) {
      history.push(
        ...workdays({
          cred: `AKIAUSER${u}`,
          principal: `user${u}`,
          days: 20,
          perDay: 6,
          places: [u === 0 ? 'londonHome' : 'paris'],
          client: 'chromeMac',
        }),
      );
    }
    history.sort((a, b) => a.ts - b.ts);
    run(engine, history);
    const alerts = run(engine, [
      ev({ at: T0 + 25 * 86_400_000, cred: 'AKIAUSER0', principal: 'user0', place: 'paris', client: 'chromeMac' }),
    ]);
    assert.equal(byRule(alerts, 'new_place').length, 0);
  });

  it('hard negative: a benign traveller (new country, residential, same laptop) never pages', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const trip = [];
    for (let i = 0; i < 40; i++)
      trip.push(
        ev({
          at: AFTER + 8 * 3_600_000 + i * 10 * MIN,
          cred: 'AKIAALICE',
          principal: 'alice',
          place: 'paris',
          client: 'chromeMac',
          interactive: true,
          op: 's3:ListBuckets',
        }),
      );
    const alerts = run(engine, trip);
    assert.ok(byRule(alerts, 'new_place').length >= 1);
    assert.deepEqual(pages(alerts), []);
  });

  describe('a machine key that has only called from its own cloud', () => {
    // Seen in a blind test: a backup job's IAM key, run weekly from one EC2 host (a dozen calls in the logs), used from
    // OVH with another client. Scaled by its thin history, the new country was low and nothing else followed.
    const job = (place: 'awsVirginia' | 'awsOregon2' | 'frankfurtVps' | 'londonHome', at: number, cred = 'AKIABACKUPJOB') =>
      ['sts:GetCallerIdentity', 's3:ListBucket', 's3:PutObject', 's3:PutObject'].map((op, i) =>
        ev({ at: at + i * MIN, cred, principal: 'backup-job', place, client: 'boto3', op }),
      );
    const history = (place: 'awsVirginia' | 'frankfurtVps' = 'awsVirginia') => [...job(place, T0), ...job(place, T0 + 7 * 86_400_000)];

    it('reports another provider’s server as a new place at full weight, whatever the history’s length', () => {
      const alerts = run(createDetectionEngine(), [...history(), ...job('frankfurtVps', AFTER)]);
      const [a] = byRule(alerts, 'new_place');
      assert.ok(a, 'new_place raised');
      assert.equal(a.evidence.left_its_cloud, true);
      assert.equal(a.evidence.maturity, 1);
      assert.ok(a.score >= 50, String(a.score));
    });

    it('hard negatives: another region of its cloud; a key that already called from two providers; a person’s home', () => {
      const region = run(createDetectionEngine(), [...history(), ...job('awsOregon2', AFTER)]);
      assert.ok(byRule(region, 'new_place').every((a) => a.evidence.left_its_cloud === undefined));
      const twoClouds = [
        ...job('awsVirginia', T0),
        ...job('frankfurtVps', T0 + 86_400_000),
        ...job('frankfurtVps', AFTER, 'AKIABACKUPJOB'),
      ];
      const later = byRule(run(createDetectionEngine(), twoClouds), 'new_place').filter((a) => Date.parse(a.time) >= AFTER);
      assert.ok(later.every((a) => a.evidence.left_its_cloud === undefined));
      const home = run(createDetectionEngine(), [...history(), ...job('londonHome', AFTER)]);
      assert.ok(byRule(home, 'new_place').every((a) => a.evidence.left_its_cloud === undefined));
    });
  });
});
