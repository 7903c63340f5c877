import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, ev, MIN, pages, run } from '../helpers/events.js';

const replayed = (a: { evidence: Record<string, unknown> }) => a.evidence.kind === 'dead_credential_replayed';

describe('detector: a dead credential replayed (access logs that only say 401)', () => {
  it('reports a working credential refused ten times from a network it never used', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(
      engine,
      Array.from({ length: 30 }, (_, i) =>
        ev({
          at: AFTER + i * MIN,
          cred: 'AKIAALICE',
          principal: 'alice',
          place: 'frankfurtVps',
          client: 'chromeMac',
          path: '/v1/me',
          status: 401,
        }),
      ),
    );
    const found = alerts.filter(replayed);
    assert.equal(found.length, 1, 'once per window');
    assert.equal(found[0]!.time, new Date(AFTER + 9 * MIN).toISOString(), 'at the tenth refusal');
    assert.ok(pages(found).length === 1);
  });

  it('hard negatives: the owner refused at the usual desk; a credential that never worked', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const atDesk = run(
      engine,
      Array.from({ length: 30 }, (_, i) =>
        ev({
          at: AFTER + i * MIN,
          cred: 'AKIAALICE',
          principal: 'alice',
          place: 'londonOffice',
          client: 'chromeMac',
          path: '/v1/me',
          status: 401,
        }),
      ),
    );
    assert.deepEqual(atDesk.filter(replayed), []);
    const neverWorked = run(
      createDetectionEngine(),
      Array.from({ length: 30 }, (_, i) =>
        ev({ at: AFTER + i * MIN, cred: 'tw_k_typo', place: 'frankfurtVps', client: 'pythonRequests', path: '/v1/me', status: 401 }),
      ),
    );
    assert.deepEqual(neverWorked.filter(replayed), []);
  });
});
