import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, ev, run } from './helpers/events.js';

describe('engine feedback: a false positive teaches the baseline', () => {
  const visit = (at: number) =>
    ev({ at, cred: 'AKIAALICE', principal: 'alice', place: 'frankfurtVps', client: 'chromeMac', op: 's3:ListBuckets' });

  it('a place an analyst confirmed is no longer new', () => {
    const control = createDetectionEngine();
    run(control, aliceHistory());
    assert.equal(byRule(run(control, [visit(AFTER)]), 'new_place').length, 1, 'without feedback the place is new');

    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    engine.learn(visit(AFTER - 60_000));
    assert.equal(byRule(run(engine, [visit(AFTER)]), 'new_place').length, 0, 'after feedback it is part of the baseline');
  });

  it('ignores events without a credential or time', () => {
    const engine = createDetectionEngine();
    engine.learn({ ...visit(AFTER), credential_key: '', credential_id: undefined } as never);
    engine.learn({ ...visit(AFTER), ts: Number.NaN });
    assert.equal(engine.stats().credentials, 0);
  });
});
