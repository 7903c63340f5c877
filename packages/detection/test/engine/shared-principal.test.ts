import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, ev, HOUR, run } from './helpers/events.js';

/** A second credential of Alice's (a new key), used at `at` from `place`. */
const secondKey = (at: number, place: 'londonHome' | 'singaporeVps', principal = 'alice') =>
  ev({
    at,
    cred: 'AKIAALICE2',
    principal,
    place,
    ip: place === 'londonHome' ? '198.51.245.1' : undefined,
    client: 'chromeMac',
    op: 's3:ListBuckets',
  });

const judged = (alerts: ReturnType<typeof run>) => alerts.map((a) => [a.rule, a.severity, a.score]);

describe('principal shared with its only credential', () => {
  it('a second credential of the principal is judged against everything the first one taught', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    assert.deepEqual(engine.stats().principals, 1);
    // Alice's new key from her home network: known to her principal, not new.
    assert.equal(byRule(run(engine, [secondKey(AFTER, 'londonHome')]), 'new_place').length, 0);
    // ...and from a VPS abroad: new for the credential and the principal.
    assert.equal(byRule(run(engine, [secondKey(AFTER + HOUR, 'singaporeVps')]), 'new_place').length, 1);
    assert.equal(engine.stats().principals, 1);
    assert.equal(engine.stats().credentials, 2);
  });

  it('a credential that starts acting for another principal leaves the first one its baseline', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    // The same key now reports another principal (an assumed role): that principal starts empty...
    run(engine, [ev({ at: AFTER, cred: 'AKIAALICE', principal: 'deploy-role', place: 'singaporeVps', client: 'chromeMac' })]);
    assert.equal(engine.stats().principals, 2);
    // ...while alice keeps what she learned: her second key from home is not a new place.
    assert.equal(byRule(run(engine, [secondKey(AFTER + HOUR, 'londonHome')]), 'new_place').length, 0);
  });

  it('snapshot and restore keep the sharing: a later second credential still sees the baseline', () => {
    const original = createDetectionEngine();
    run(original, aliceHistory());
    const restored = createDetectionEngine();
    restored.restore(original.snapshot());
    assert.deepEqual(restored.stats(), original.stats());
    const probe = () => [secondKey(AFTER, 'londonHome'), secondKey(AFTER + HOUR, 'singaporeVps')];
    const a = judged(run(original, probe()));
    assert.deepEqual(judged(run(restored, probe())), a);
    assert.equal(a.filter(([rule]) => rule === 'new_place').length, 1);
  });
});
