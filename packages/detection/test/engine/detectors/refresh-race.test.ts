import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, aliceHistory, byRule, type EventSpec, ev, MIN, run } from '../helpers/events.js';

// Two tabs of one web app refresh with the same refresh token a second apart: the token service sees the spent token
// again, calls it reuse and revokes the family, and the first tab's brand-new access token is refused a second later.
// A fresh token has no history of its own: the rotation it races says where its holder is.

const HOME: Pick<EventSpec, 'place' | 'ip' | 'client' | 'principal'> = {
  place: 'londonHome',
  ip: '198.51.245.1',
  client: 'chromeMac',
  principal: 'alice',
};

function lifecycle(at: number, cred: string, type: string, from: Partial<EventSpec> = HOME, parent?: string): EnrichedEvent {
  const e = ev({ ...HOME, ...from, at, cred, lifecycle: type });
  e.credential_kind = cred.startsWith('rt_') ? 'refresh_token' : 'access_token';
  if (parent !== undefined) e.attributes = { parent_credential_id: parent };
  return e;
}

/** Alice's history, then `rt_1` rotated into `rt_2` (and access token `at_2`) from her home at AFTER. */
function rotated(): ReturnType<typeof createDetectionEngine> {
  const engine = createDetectionEngine();
  run(engine, aliceHistory());
  run(engine, [
    lifecycle(AFTER - 60 * MIN, 'rt_1', 'token.issued'),
    lifecycle(AFTER, 'rt_2', 'token.refreshed', HOME, 'rt_1'),
    lifecycle(AFTER + 15, 'at_2', 'token.issued', HOME, 'rt_2'),
  ]);
  return engine;
}

const reuse = (alerts: Alert[]) => byRule(alerts, 'token_lifecycle').filter((a) => a.evidence.kind === 'refresh_token_reuse');

describe('refresh token reuse racing its own rotation', () => {
  it('from the address and browser that rotated it, 0.8 s later, is a refresh race (medium), not theft', () => {
    const [alert] = reuse(run(rotated(), [lifecycle(AFTER + 800, 'rt_1', 'refresh_token.reuse_detected')]));
    assert.equal(alert?.severity, 'medium');
    assert.match(alert.summary, /same device \(refresh race\?\)/);
  });

  it('pages from another network, from another client, or long after the rotation', () => {
    const vps = reuse(
      run(rotated(), [lifecycle(AFTER + 800, 'rt_1', 'refresh_token.reuse_detected', { place: 'singaporeVps', ip: undefined })]),
    );
    assert.ok(vps[0] && (vps[0].severity === 'high' || vps[0].severity === 'critical'), 'a copy used elsewhere');
    const script = reuse(
      run(rotated(), [lifecycle(AFTER + 800, 'rt_1', 'refresh_token.reuse_detected', { ...HOME, client: 'pythonRequests' })]),
    );
    assert.ok(
      script[0] && script[0].severity !== 'medium' && script[0].severity !== 'low',
      'malware on the host replays it with its own client',
    );
    const later = reuse(run(rotated(), [lifecycle(AFTER + 5 * MIN, 'rt_1', 'refresh_token.reuse_detected')]));
    assert.ok(later[0] && later[0].severity !== 'medium' && later[0].severity !== 'low', 'no race lasts minutes');
  });

  it('the access token revoked with its family, presented a second later from nowhere new, is a request in flight', () => {
    const engine = rotated();
    run(engine, [lifecycle(AFTER + 800, 'rt_1', 'refresh_token.reuse_detected'), lifecycle(AFTER + 900, 'at_2', 'token.revoked')]);
    const [inFlight] = byRule(run(engine, [lifecycle(AFTER + 2_000, 'at_2', 'token.revoked_use')]), 'token_lifecycle');
    assert.equal(inFlight?.severity, 'medium');
    assert.match(inFlight.summary, /seconds after its revocation/);
    const [afterwards] = byRule(run(engine, [lifecycle(AFTER + 2 * MIN, 'at_2', 'token.revoked_use')]), 'token_lifecycle');
    assert.ok(afterwards && (afterwards.severity === 'high' || afterwards.severity === 'critical'), 'still presented minutes later');
  });
});
