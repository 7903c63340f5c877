import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { parseOktaRecord } from '../../../src/ingest/parsers/okta.js';
import { AFTER, DAY, ev, MIN, run, workdays } from '../helpers/events.js';

// A password spray logs one refused sign-in per guess against each person it tries, before any session exists, from
// the sprayer's address and tool. Okta names no session (`unknown`), so the person's id stands in as the credential.

function oktaSignIn(result: string, session: string | undefined, eventType = 'user.session.start'): EnrichedEvent | undefined {
  const outcome = parseOktaRecord(
    {
      uuid: 'e1',
      published: '2026-10-15T18:00:00.000Z',
      eventType,
      actor: { id: '00usara', alternateId: 'sara@example.com', type: 'User' },
      authenticationContext: { externalSessionId: session ?? 'unknown' },
      client: { ipAddress: '203.0.113.7', userAgent: { rawUserAgent: 'python-requests/2.31.0' } },
      outcome: { result, reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : undefined },
    },
    { source: 'okta.json', line: 1 },
  );
  return outcome.kind === 'event' ? (outcome.event as EnrichedEvent) : undefined;
}

/** Sara's own pre-session events on her person id, 20 working days from her desk. */
function saraHistory(): EnrichedEvent[] {
  return [
    ...workdays({ cred: '00usara', principal: 'sara@example.com', days: 28, perDay: 4, places: ['londonHome'], client: 'chromeMac' }),
  ].map((e) => ({ ...e, operation: 'okta:user.authentication.auth_via_mfa', source_system: 'okta' }));
}

/** Five guesses from a VPS with python-requests, a minute apart. */
function spray(flagged: boolean): EnrichedEvent[] {
  return Array.from({ length: 5 }, (_, i) => {
    const e = ev({
      at: AFTER + i * MIN,
      cred: '00usara',
      principal: 'sara@example.com',
      place: 'frankfurtVps',
      client: 'pythonRequests',
      op: 'okta:user.session.start',
      outcome: 'failure',
      error: 'INVALID_CREDENTIALS',
      source: 'okta',
    });
    e.attributes = { event_type: 'user.session.start', ...(flagged ? { sign_in_attempt: true } : {}) };
    return e;
  });
}

describe('Okta refused sign-ins before a session', () => {
  it('are marked as attempts; a session, an API token or a success is not', () => {
    assert.equal(oktaSignIn('FAILURE', undefined)?.attributes?.sign_in_attempt, true);
    assert.equal(oktaSignIn('FAILURE', 'idxAbc')?.attributes?.sign_in_attempt, undefined);
    assert.equal(oktaSignIn('SUCCESS', undefined)?.attributes?.sign_in_attempt, undefined);
    // ThreatInsight's verdict on a guess and a lock-out by failed guesses are the same attempt, logged again.
    assert.equal(oktaSignIn('DENY', undefined, 'security.threat.detected')?.attributes?.sign_in_attempt, true);
    assert.equal(oktaSignIn('FAILURE', undefined, 'user.account.lock')?.attributes?.sign_in_attempt, true);
    assert.equal(oktaSignIn('DENY', 'idxAbc', 'security.threat.detected')?.attributes?.sign_in_attempt, undefined);
  });

  it('a spray against a person with a history raises no new place, client or travel alert', () => {
    const control = run(createDetectionEngine(), [...saraHistory(), ...spray(false)]);
    assert.ok(
      control.some((a) => a.rule === 'new_client' || a.rule === 'new_place'),
      'read as the person using a credential, the guesses look new',
    );
    const alerts = run(createDetectionEngine(), [...saraHistory(), ...spray(true)]);
    assert.deepEqual(
      alerts.filter((a) => a.time >= new Date(AFTER).toISOString()).map((a) => `${a.rule}: ${a.summary}`),
      [],
    );
  });

  it('the mark counts only from the Okta parser: a native record carrying it in its attributes is judged as use', () => {
    const forged = spray(true).map((e) => ({ ...e, source_system: 'native' }));
    assert.ok(run(createDetectionEngine(), [...saraHistory(), ...forged]).some((a) => a.rule === 'new_client' || a.rule === 'new_place'));
  });

  it('teach the baseline nothing: the sprayer’s network is still new when the person later signs in from it', () => {
    const engine = createDetectionEngine();
    run(engine, [...saraHistory(), ...spray(true)]);
    const later = ev({
      at: AFTER + DAY,
      cred: '00usara',
      principal: 'sara@example.com',
      place: 'frankfurtVps',
      client: 'pythonRequests',
      op: 'okta:user.authentication.auth_via_mfa',
      source: 'okta',
    });
    assert.ok(run(engine, [later]).some((a) => a.rule === 'new_place'));
  });
});
