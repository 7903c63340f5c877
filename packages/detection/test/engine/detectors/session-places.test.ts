import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { byRule, DAY, ev, HOUR, MIN, type PlaceName, pages, run, T0 } from '../helpers/events.js';

// One person's identity-provider sessions (a new one each working day), as the Okta parser keys them: where the
// person is, and where each of their sessions has been, say who holds a session.

function session(id: string, at: number, place: PlaceName): EnrichedEvent {
  const e = ev({ at, cred: id, principal: 'alice', place, client: 'chromeMac', interactive: true, op: 'okta:user.authentication.sso' });
  e.credential_kind = 'saas_session';
  return e;
}

/** Three weeks of workdays, a session each morning at home, an app opened every 40 minutes until the evening. */
function weeks(): EnrichedEvent[] {
  const out: EnrichedEvent[] = [];
  for (let d = 0; d < 19; d++) {
    if (d % 7 >= 5) continue;
    for (let t = 9 * HOUR; t < 17 * HOUR; t += 40 * MIN) out.push(session(`idx-${d}`, T0 + d * DAY + t, 'londonHome'));
  }
  return out;
}

const DAY20 = T0 + 21 * DAY;

describe('detector: one session on two lines in one town', () => {
  it('reports a session that keeps returning to its owner’s line from one new with it', () => {
    const engine = createDetectionEngine();
    run(engine, weeks());
    const lines = ['londonHome', 'londonFibre', 'londonHome', 'londonFibre', 'londonHome'] as const;
    const alerts = run(
      engine,
      lines.map((place, i) => session('idx-21', DAY20 + 10 * HOUR + i * 11 * MIN, place)),
    );
    const hops = byRule(alerts, 'concurrent_use').filter((a) => a.evidence.kind === 'same_town_lines');
    assert.equal(hops.length >= 1, true, JSON.stringify(alerts.map((a) => a.summary)));
    assert.equal(hops[0]!.evidence.returns, 2);
  });

  it('hard negatives: a laptop carried to a café and back, and a phone between Wi-Fi and its carrier all morning', () => {
    const engine = createDetectionEngine();
    run(engine, weeks());
    const cafe = ['londonHome', 'londonFibre', 'londonFibre', 'londonHome', 'londonHome'] as const;
    const phone = ['londonHome', 'londonMobile', 'londonHome', 'londonMobile', 'londonHome', 'londonMobile'] as const;
    const alerts = run(engine, [
      ...cafe.map((place, i) => session('idx-21', DAY20 + 9 * HOUR + i * 12 * MIN, place)),
      ...phone.map((place, i) => session('idx-21p', DAY20 + 12 * HOUR + i * 10 * MIN, place)),
    ]);
    assert.deepEqual(
      byRule(alerts, 'concurrent_use').map((a) => a.summary),
      [],
    );
  });
});

describe('detector: impossible travel across a person’s sessions', () => {
  it('reports yesterday’s session used abroad an hour after its owner was at home in today’s', () => {
    const engine = createDetectionEngine();
    run(engine, weeks());
    const alerts = run(engine, [
      session('idx-21', DAY20 + 9 * HOUR, 'londonHome'),
      session('idx-21', DAY20 + 16 * HOUR, 'londonHome'),
      // idx-18 was used at home on its day; its cookie now answers from New York, while alice works on at home.
      session('idx-18', DAY20 + 17 * HOUR, 'newYork'),
    ]);
    const [a] = byRule(alerts, 'impossible_travel').filter((x) => x.evidence.kind === 'across_sessions');
    assert.ok(a, JSON.stringify(alerts.map((x) => x.summary)));
    assert.equal(a.credential, 'idx-18');
    assert.ok(pages([a]).length === 1, 'evidence, not novelty: it pages');
  });

  it('hard negatives: a traveller who signs in where she lands and keeps using that session there; a company VPN in a cloud', () => {
    const engine = createDetectionEngine();
    run(engine, weeks());
    const alerts = run(engine, [
      session('idx-21', DAY20 + 9 * HOUR, 'londonHome'),
      // An eight-hour flight, then a new session in New York, and yesterday's laptop session opened there too.
      session('idx-21ny', DAY20 + 19 * HOUR, 'newYork'),
      session('idx-21ny', DAY20 + 20 * HOUR, 'newYork'),
      session('idx-21', DAY20 + 21 * HOUR, 'newYork'),
      // Back home, a browser profile through the company's VPN in a US cloud, beside her session at home: no place.
      session('idx-22', T0 + 22 * DAY + 9 * HOUR, 'londonHome'),
      session('idx-21', T0 + 22 * DAY + 9 * HOUR + 20 * MIN, 'awsVirginia'),
    ]);
    assert.deepEqual(
      byRule(alerts, 'impossible_travel')
        .filter((x) => x.evidence.kind === 'across_sessions')
        .map((x) => x.summary),
      [],
    );
  });
});
