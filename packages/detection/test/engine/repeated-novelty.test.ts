import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../src/engine/index.js';
import type { EnrichedEvent } from '../../src/enriched-event.js';
import { AFTER, aliceHistory, byRule, ev, HOUR, PLACES, pages, run } from './helpers/events.js';

// A new laptop on a new home network: each hour of its first day shows the same two novelties again, and the guard
// keeps them out of the baseline while the credential is risky. Counted each time, they compounded into pages.

/** Alice's new laptop (the CLI, where she always used the console) on a broadband network she never used, hourly. */
function newLaptopDay(hours: number): EnrichedEvent[] {
  return Array.from({ length: hours }, (_, i) => {
    const e = ev({
      at: AFTER - HOUR + i * 62 * 60_000,
      cred: 'AKIAALICE',
      principal: 'alice',
      client: 'awsCli',
      op: 's3:ListBuckets',
    });
    e.geo = { ...PLACES.londonHome, asn: 64509, as_org: 'Other Broadband' };
    e.source_ip = '198.51.253.9';
    return e;
  });
}

describe('repeated novelty', () => {
  it('the same new client and network hour after hour is reported, never compounded into a page', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, newLaptopDay(10));
    assert.ok(byRule(alerts, 'new_client').length > 0, 'the new laptop is reported');
    assert.deepEqual(
      pages(alerts).map((a) => `${a.time} ${a.rule} ${a.score} ${a.summary}`),
      [],
    );
  });

  it('the same novelty again within a day is not alerted on again unless it is worse', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, newLaptopDay(10));
    // Ten hourly sightings of one new laptop: its first report, and at most one more when the severity rose.
    assert.ok(byRule(alerts, 'new_client').length <= 2, JSON.stringify(byRule(alerts, 'new_client').map((a) => [a.time, a.severity])));
    assert.ok(byRule(alerts, 'new_place').length <= 2, JSON.stringify(byRule(alerts, 'new_place').map((a) => [a.time, a.severity])));
  });

  it('novelty still adds to the risk of a different finding', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const day = newLaptopDay(3);
    const stop = ev({
      at: (day.at(-1)?.ts ?? 0) + 60_000,
      cred: 'AKIAALICE',
      principal: 'alice',
      client: 'awsCli',
      op: 'cloudtrail:StopLogging',
    });
    stop.geo = day[0]!.geo!;
    stop.source_ip = day[0]!.source_ip!;
    const alerts = run(engine, [...day, stop]);
    const [change] = byRule(alerts, 'privileged_change');
    assert.ok(change && (change.severity === 'high' || change.severity === 'critical'), JSON.stringify(change?.evidence.scoring));
  });
});
