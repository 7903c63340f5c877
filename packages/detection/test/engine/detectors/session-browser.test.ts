import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, ev, HOUR, MIN, run, workdays } from '../helpers/events.js';

// An infostealer's or an adversary-in-the-middle proxy's copy of an Okta session cookie, replayed from the thief's
// own browser: the session id is the victim's, the browser is not. Okta logs no device id for it.

const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/** Sam's weeks of Safari on a Mac, each day a new Okta session; the last one (`idxToday`) is still in use. */
function samWeeks(kind: 'saas_session' | 'access_token'): EnrichedEvent[] {
  const days = [
    ...workdays({ cred: 'idx-sam', principal: 'sam@acme.io', days: 20, perDay: 8, places: ['newYork'], client: 'chromeMac' }),
  ].map((e, i) => ({ ...e, credential_key: `idx-day-${Math.floor(i / 8)}`, credential_id: `idx-day-${Math.floor(i / 8)}` }));
  const today = Array.from({ length: 6 }, (_, i) =>
    ev({ at: AFTER - HOUR + i * 5 * MIN, cred: 'idxToday', principal: 'sam@acme.io', place: 'newYork', client: 'chromeMac' }),
  );
  return [...days, ...today].map((e) => ({
    ...e,
    credential_kind: kind,
    source_system: 'okta',
    operation: 'okta:user.authentication.sso',
  }));
}

function fromOtherBrowser(cred: string, kind: 'saas_session' | 'access_token', ua = WINDOWS_CHROME, scripted = false): EnrichedEvent {
  const e = ev({ at: AFTER, cred, principal: 'sam@acme.io', place: 'newYork', op: 'okta:user.authentication.sso', source: 'okta' });
  e.user_agent = ua;
  e.client = { family: ua.startsWith('Mozilla') ? 'Chrome' : 'Okta Verify', os: 'Windows', scripted };
  e.credential_kind = kind;
  return e;
}

const moved = (alerts: Alert[]) =>
  alerts.filter(
    (a) => a.rule === 'new_client' && (a.evidence.reasons as string[]).includes('session used from another browser than it started in'),
  );

describe('an identity provider session in another browser', () => {
  it('the session of the morning, now in Chrome on Windows from the same city, pages on its own', () => {
    const engine = createDetectionEngine();
    run(engine, samWeeks('saas_session'));
    const [alert] = moved(run(engine, [fromOtherBrowser('idxToday', 'saas_session')]));
    assert.ok(alert, 'a copied session is evidence, not novelty');
    assert.equal(alert.severity, 'high');
  });

  it('hard negatives: a new laptop signing in afresh, a token an app shares with its web client, an app on the session', () => {
    const judge = (event: EnrichedEvent, kind: 'saas_session' | 'access_token') => {
      const engine = createDetectionEngine();
      run(engine, samWeeks(kind));
      return moved(run(engine, [event]));
    };
    assert.deepEqual(judge(fromOtherBrowser('idxNewLaptop', 'saas_session'), 'saas_session'), []);
    assert.deepEqual(judge(fromOtherBrowser('idxToday', 'access_token'), 'access_token'), []);
    assert.deepEqual(judge(fromOtherBrowser('idxToday', 'saas_session', 'OktaVerify/9.20.0 (iOS 17.5)', true), 'saas_session'), []);
  });
});
