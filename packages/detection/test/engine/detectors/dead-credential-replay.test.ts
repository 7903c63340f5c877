import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, type EventSpec, ev, MIN, pages, run } from '../helpers/events.js';

const replayed = (a: { evidence: Record<string, unknown> }) => a.evidence.kind === 'dead_credential_replayed';

/** Thirty calls a minute apart, each refused with 401. */
function refusedEveryMinute(spec: Omit<EventSpec, 'at' | 'path' | 'status'>) {
  return Array.from({ length: 30 }, (_, i) => ev({ ...spec, at: AFTER + i * MIN, path: '/v1/me', status: 401 }));
}

const alice = { cred: 'AKIAALICE', principal: 'alice', client: 'chromeMac' } as const;

describe('detector: a dead credential replayed (access logs that only say 401)', () => {
  it('reports a working credential refused ten times from a network it never used', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const found = run(engine, refusedEveryMinute({ ...alice, place: 'frankfurtVps' })).filter(replayed);
    assert.equal(found.length, 1, 'once per window');
    assert.equal(found[0]!.time, new Date(AFTER + 9 * MIN).toISOString(), 'at the tenth refusal');
    assert.ok(pages(found).length === 1);
  });

  it('hard negatives: the owner refused at the usual desk; a credential that never worked', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    assert.deepEqual(run(engine, refusedEveryMinute({ ...alice, place: 'londonOffice' })).filter(replayed), []);
    const neverWorked = run(
      createDetectionEngine(),
      refusedEveryMinute({ cred: 'tw_k_typo', place: 'frankfurtVps', client: 'pythonRequests' }),
    );
    assert.deepEqual(neverWorked.filter(replayed), []);
  });
});
