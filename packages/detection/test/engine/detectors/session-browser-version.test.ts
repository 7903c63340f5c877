import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, ev, HOUR, MIN, run, workdays } from '../helpers/events.js';

// A session copied out of its browser (an infostealer log sold on, an adversary-in-the-middle kit) and replayed from
// the thief's own browser, whose user agent was made to resemble the owner's: same browser, same system, same city,
// but an older version than the session already ran. Browsers only update forward.

type Kind = 'saas_session' | 'access_token' | 'api_key' | 'cloud_access_key';

function inChrome(e: EnrichedEvent, major: number): EnrichedEvent {
  e.user_agent = `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
  e.client = { family: 'Chrome', os: 'Mac OS', device: 'desktop', scripted: false, major };
  return e;
}

/** Sam's weeks in Chrome on a Mac, then this morning's credential `today`, used six times in Chrome `major`. */
function samMorning(kind: Kind, major: number, interactive?: boolean): EnrichedEvent[] {
  const weeks = workdays({ cred: 'sam-old', principal: 'sam@acme.io', days: 20, perDay: 8, places: ['newYork'], client: 'chromeMac' });
  const today = Array.from({ length: 6 }, (_, i) =>
    inChrome(ev({ at: AFTER - HOUR + i * 5 * MIN, cred: 'today', principal: 'sam@acme.io', place: 'newYork' }), major),
  );
  return [...weeks, ...today].map((e) => ({ ...e, credential_kind: kind, ...(interactive === undefined ? {} : { interactive }) }));
}

function replay(kind: Kind, major: number, opts: { late?: boolean; interactive?: boolean } = {}): EnrichedEvent {
  const e = inChrome(ev({ at: AFTER, cred: 'today', principal: 'sam@acme.io', place: 'newYork', ip: '203.0.113.77' }), major);
  e.credential_kind = kind;
  if (opts.late) e.late = true;
  if (opts.interactive !== undefined) e.interactive = opts.interactive;
  return e;
}

const older = (alerts: Alert[]) =>
  alerts.filter((a) => a.rule === 'new_client' && (a.evidence.reasons as string[]).some((r) => r.includes('older version of its browser')));

function judge(kind: Kind, before: number, now: number, opts: { late?: boolean; interactive?: boolean } = {}): Alert[] {
  const engine = createDetectionEngine();
  run(engine, samMorning(kind, before, opts.interactive));
  return older(run(engine, [replay(kind, now, opts)]));
}

describe('a session in an older version of its own browser', () => {
  it('an Okta session and an access token that ran Chrome 131 all morning, now in Chrome 124 from the same city, page', () => {
    for (const kind of ['saas_session', 'access_token'] as const) {
      const [alert, ...rest] = judge(kind, 131, 124);
      assert.ok(alert, `${kind}: a second browser holds the session`);
      assert.equal(rest.length, 0);
      assert.equal(alert.severity, 'high');
      assert.match(alert.summary, /older version of its browser \(124\) than it already ran \(131\)/);
    }
  });

  it("a console sign-in's temporary key (interactive) counts as the browser's; a key used by scripts does not", () => {
    assert.equal(judge('cloud_access_key', 131, 124, { interactive: true }).length, 1);
    assert.deepEqual(judge('cloud_access_key', 131, 124, { interactive: false }), []);
  });

  it('hard negatives: the browser updating mid-session, an API key in two browsers, a late event, the very same version', () => {
    assert.deepEqual(judge('saas_session', 130, 131), [], 'browsers update forward');
    assert.deepEqual(judge('api_key', 131, 124), [], 'a key may be pasted into any browser');
    assert.deepEqual(judge('saas_session', 131, 124, { late: true }), [], 'out of event-time order: not judged');
    assert.deepEqual(judge('saas_session', 131, 131), []);
  });

  it('judges the version against the newest the session ran, after an update too', () => {
    const engine = createDetectionEngine();
    run(engine, samMorning('saas_session', 130));
    assert.deepEqual(older(run(engine, [replay('saas_session', 131)])), [], 'the owner updated');
    const later = replay('saas_session', 130);
    later.ts += 10 * MIN;
    later.time = new Date(later.ts).toISOString();
    assert.equal(older(run(engine, [later])).length, 1, 'the version the owner left behind is now a copy');
  });
});
