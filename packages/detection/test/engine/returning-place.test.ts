import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetectionContext, Finding } from '../../src/engine/detectors/types.js';
import { createDetectionEngine } from '../../src/engine/index.js';
import { F_SLOTS, type RuleName } from '../../src/engine/profile/layout.js';
import { placeReturns } from '../../src/engine/returning-place.js';
import type { AsnKind } from '../../src/enriched-event.js';
import { AFTER, aliceHistory, byRule, DAY, ev, MIN, type PlaceName, run } from './helpers/events.js';

function finding(rule: RuleName, noveltyOnly: boolean): Finding {
  return { rule, score: 45, stage: 0, summary: '', evidence: {}, noveltyOnly, suspicion: 45 };
}

// A commercial VPN's new country is suspicious enough to keep it out of the baseline while it is new. A user
// on the VPN some days would then get a medium alert every hour of every such day, for ever: a network that
// comes back on several days with nothing but novelty is the owner's.

/** One working day of Alice's console work (every 10 minutes for 8 hours) from `place`. */
function day(d: number, place: PlaceName, op = 's3:ListBuckets') {
  return Array.from({ length: 48 }, (_, i) =>
    ev({ at: AFTER + d * DAY + i * 10 * MIN, cred: 'AKIAALICE', principal: 'alice', place, client: 'chromeMac', op, interactive: true }),
  );
}

function newPlaceAlertsPerDay(days: PlaceName[]): number[] {
  const engine = createDetectionEngine();
  run(engine, aliceHistory());
  return days.map((place, d) => byRule(run(engine, day(d, place)), 'new_place').length);
}

describe('a network that keeps coming back with nothing but novelty', () => {
  it('is learned after three days of a VPN some days, and stops alerting', () => {
    const perDay = newPlaceAlertsPerDay([
      'vpnTokyo',
      'londonHome',
      'vpnTokyo',
      'londonHome',
      'vpnTokyo',
      'vpnTokyo',
      'londonHome',
      'vpnTokyo',
    ]);
    assert.ok(perDay[0]! > 0 && perDay[2]! > 0, `the VPN is new at first: ${perDay}`);
    assert.equal(perDay[5], 0, `learned by its fourth day: ${perDay}`);
    assert.equal(perDay[7], 0, `and stays learned: ${perDay}`);
  });

  it('is never learned this way from a hosting network, where stolen tokens are replayed from', () => {
    const perDay = newPlaceAlertsPerDay(['frankfurtVps', 'londonHome', 'frankfurtVps', 'londonHome', 'frankfurtVps', 'frankfurtVps']);
    assert.ok(perDay[5]! > 0, `a VPS stays new: ${perDay}`);
  });

  it('counts distinct days per network, starts again on any other finding, and learns nothing while risk pages', () => {
    const ctxAt = (f: Float64Array, d: number, kind: AsnKind = 'vpn', asn = 64550) =>
      ({ cred: { f, fo: 0 }, asn, kind, now: AFTER + d * DAY }) as unknown as DetectionContext;
    const novelty = [finding('new_place', true)];
    const f = new Float64Array(F_SLOTS);
    assert.equal(placeReturns(ctxAt(f, 0), novelty, 3, true), false);
    assert.equal(placeReturns(ctxAt(f, 0.5), novelty, 3, true), false, 'the same day counts once');
    assert.equal(placeReturns(ctxAt(f, 2), novelty, 3, true), false);
    assert.equal(placeReturns(ctxAt(f, 4), novelty, 3, false), false, 'a third day, but the credential is paging');
    assert.equal(placeReturns(ctxAt(f, 5), novelty, 3, true), true, 'a fourth day, calm');
    // Any other finding starts again: a privileged change, or a client that moved devices.
    assert.equal(placeReturns(ctxAt(f, 6), [finding('new_place', true), finding('privileged_change', false)], 3, true), false);
    assert.equal(placeReturns(ctxAt(f, 7), novelty, 3, true), false);
    assert.equal(placeReturns(ctxAt(f, 8), [finding('new_client', false)], 3, true), false);
    // Another network starts its own count; hosting and Tor never count.
    const g = new Float64Array(F_SLOTS);
    for (const d of [0, 1, 2, 3]) assert.equal(placeReturns(ctxAt(g, d, 'hosting', 64531), novelty, 3, true), false);
    for (const d of [0, 1, 2, 3]) assert.equal(placeReturns(ctxAt(g, d, 'tor', 64540), novelty, 3, true), false);
  });
});
