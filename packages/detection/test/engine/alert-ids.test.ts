import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../src/engine/index.js';
import { AFTER, aliceHistory, ev, MIN, run } from './helpers/events.js';

// Replaying a log must not double its alerts: the store keeps an alert once by id, and an analyst
// comparing two runs of one input wants the same lines.
describe('alert ids', () => {
  const attack = () => [
    ev({ at: AFTER, cred: 'AKIAALICE', principal: 'alice', place: 'frankfurtVps', client: 'pythonRequests', op: 'sts:GetCallerIdentity' }),
    ev({ at: AFTER + MIN, cred: 'AKIAALICE', principal: 'alice', place: 'frankfurtVps', client: 'pythonRequests', op: 'iam:ListUsers' }),
    ev({
      at: AFTER + 2 * MIN,
      cred: 'AKIAALICE',
      principal: 'alice',
      place: 'frankfurtVps',
      client: 'pythonRequests',
      op: 'iam:CreateAccessKey',
    }),
  ];
  const once = () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    // Ids as a log gives them (CloudTrail's eventID, OCSF's metadata.uid): the helper numbers events per process.
    return run(
      engine,
      attack().map((e, i) => ({ ...e, id: `evt_attack_${i}` })),
    );
  };

  it('are the same on every run of the same input, and unique within a run', () => {
    const first = once();
    const second = once();
    assert.ok(first.length >= 3, `${first.length} alerts`);
    assert.deepEqual(
      second.map((a) => a.id),
      first.map((a) => a.id),
    );
    assert.equal(new Set(first.map((a) => a.id)).size, first.length);
    for (const a of first) assert.match(a.id, /^alr_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('still sort by the time of the event that raised them', () => {
    const ids = once().map((a) => a.id.slice(4, 14));
    assert.deepEqual(ids, [...ids].sort());
  });
});
