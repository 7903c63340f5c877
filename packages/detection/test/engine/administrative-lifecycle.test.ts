import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyOperationName, STAGE_NONE } from '../../src/engine/classify/operation-class.js';
import { createDetectionEngine } from '../../src/engine/index.js';
import type { EnrichedEvent } from '../../src/enriched-event.js';
import { AFTER, aliceHistory, byRule, ev, MIN, run } from './helpers/events.js';

// The token service and our own response write lifecycle events about a credential: issued, revoked,
// suspended, signed out. The holder did none of them, so none is a step of its attack chain or a sample of
// where and when it is used.

function lifecycle(e: EnrichedEvent, type: string, attributes?: Record<string, unknown>): EnrichedEvent {
  return { ...e, operation: `lifecycle:${type}`, outcome: 'unknown', lifecycle: type, ...(attributes ? { attributes } : {}) };
}

/** A stolen key from a hosting network: whoami, a look at the users, data, then a new key for itself. */
function theft(at: number): EnrichedEvent[] {
  return ['sts:GetCallerIdentity', 'iam:ListUsers', 's3:GetObject', 'iam:CreateAccessKey'].map((op, i) =>
    ev({ at: at + i * MIN, cred: 'AKIAALICE', principal: 'alice', place: 'frankfurtVps', client: 'pythonRequests', op }),
  );
}

describe('lifecycle events about a credential, not by it', () => {
  it('a containment revocation raises nothing, and is no chain stage', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const before = run(engine, theft(AFTER));
    assert.ok(byRule(before, 'attack_chain').length > 0, 'the theft itself advances the chain');
    const revoked = lifecycle(ev({ at: AFTER + 10 * MIN, cred: 'AKIAALICE' }), 'token.revoked', { reason: 'incident reached critical' });
    const signedOut = lifecycle(ev({ at: AFTER + 10 * MIN + 1, cred: 'AKIAALICE', principal: 'alice' }), 'subject.signed_out');
    assert.deepEqual(run(engine, [revoked, signedOut]), []);
    assert.equal(classifyOperationName('lifecycle:token.revoked').stage, STAGE_NONE);
    assert.equal(classifyOperationName('lifecycle:canary.used').stage, STAGE_NONE);
  });

  it("an administrator's suspension does not teach the credential the administrator's place", () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    // Suspended and reinstated from the security team's VPS in Singapore, thirty times (a busy week).
    for (let i = 0; i < 30; i++) {
      const at = AFTER + i * 10 * MIN;
      const suspended = lifecycle(ev({ at, cred: 'AKIAALICE', place: 'singaporeVps', client: 'pythonRequests' }), 'token.suspended');
      const reinstated = lifecycle(
        ev({ at: at + MIN, cred: 'AKIAALICE', place: 'singaporeVps', client: 'pythonRequests' }),
        'token.reinstated',
      );
      assert.deepEqual(run(engine, [suspended, reinstated]), []);
    }
    const use = ev({
      at: AFTER + 6 * 60 * MIN,
      cred: 'AKIAALICE',
      principal: 'alice',
      place: 'singaporeVps',
      client: 'pythonRequests',
      op: 's3:ListBuckets',
    });
    assert.ok(byRule(run(engine, [use]), 'new_place').length > 0, 'Singapore is still new for the key');
  });

  it('a key issued by a compromised key starts from its suspicion and chain', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    run(engine, theft(AFTER));
    const issued = lifecycle(ev({ at: AFTER + 4 * MIN, cred: 'AKIABACKDOOR', principal: 'alice' }), 'token.issued', {
      parent_credential_id: 'AKIAALICE',
    });
    assert.deepEqual(run(engine, [issued]), []);
    const persist = ev({
      at: AFTER + 6 * MIN,
      cred: 'AKIABACKDOOR',
      principal: 'alice',
      place: 'frankfurtVps',
      client: 'pythonRequests',
      op: 'cloudtrail:StopLogging',
    });
    const chain = byRule(run(engine, [persist]), 'attack_chain').at(-1);
    assert.equal(chain?.evidence.issued_by, 'AKIAALICE');
    assert.equal(chain?.severity, 'critical');
  });
});
