import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { alertsOfFile } from './real-data-run.js';

// Okta's own verdicts (ThreatInsight, its risk engine, Identity Threat Protection's session events) weighed
// against the session's and the user's own baseline, through the whole pipeline from a System Log file.

const dir = mkdtempSync(join(tmpdir(), 'tw-okta-vendor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const MIN = 60_000;
const START = Date.parse('2026-10-05T14:00:00Z');
const MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const WIN_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
// Comcast in Oak Park, Illinois (DB-IP): bob's home, and another subscriber's line in the same town.
const HOME = '73.22.10.5';
const SAME_TOWN_LINE = '73.45.12.9';
// Comcast in Kokomo, Indiana: a residential proxy exit ThreatInsight has seen stuffing credentials.
const FLAGGED_LINE = '68.58.3.3';
// Zscaler's Reston gateway: bob's office.
const OFFICE = '165.225.8.10';
// Okta's own integration service, from AWS.
const OKTA_CLOUD = '44.238.82.114';

interface Spec {
  at: number;
  session: string;
  ip: string;
  ua: string;
  eventType: string;
  result?: string;
  debug?: Record<string, unknown>;
  clientId?: string;
  actor?: string;
  target?: unknown[];
}

function oktaEvent(e: Spec): Record<string, unknown> {
  const actor = e.actor ?? 'bob';
  return {
    uuid: `${e.session}-${e.at}-${e.eventType}`,
    published: new Date(e.at).toISOString(),
    eventType: e.eventType,
    displayMessage: e.eventType,
    severity: 'INFO',
    version: '0',
    actor: { id: `00u${actor}`, type: 'User', alternateId: `${actor}@example.com`, displayName: actor },
    client: {
      id: e.clientId ?? null,
      ipAddress: e.ip,
      userAgent: { rawUserAgent: e.ua, os: e.ua.includes('Windows') ? 'Windows 10' : 'Mac OS X', browser: 'CHROME' },
      zone: 'null',
      device: 'Computer',
    },
    authenticationContext: { authenticationStep: 0, externalSessionId: e.session },
    outcome: { result: e.result ?? 'SUCCESS' },
    securityContext: { isProxy: false },
    debugContext: { debugData: { threatSuspected: 'false', requestUri: '/app/x/sso/saml', ...e.debug } },
    transaction: { type: 'WEB', id: `tx-${e.session}-${e.at}` },
    target: e.target ?? [{ type: 'AppInstance', displayName: 'Slack' }],
  };
}

/** Three weeks of bob: a session a day from home, SSO into his apps, afternoons at the office. */
function bobsRoutine(days: number): Spec[] {
  const out: Spec[] = [];
  for (let d = 0; d < days; d++) {
    const session = `102bob${d}`;
    const t = START + d * DAY;
    out.push({ at: t, session, ip: HOME, ua: MAC_CHROME, eventType: 'user.session.start' });
    for (let i = 1; i < 8; i++) {
      out.push({ at: t + i * 30 * MIN, session, ip: i < 4 ? HOME : OFFICE, ua: MAC_CHROME, eventType: 'user.authentication.sso' });
    }
  }
  return out;
}

/** The day after bob's three-week routine, when the scenarios happen: his session of that day and its midnight. */
function attackDay(): { session: string; t: number } {
  const d = 21;
  return { session: `102bob${d}`, t: START + d * DAY };
}

async function run(name: string, events: Spec[]): Promise<Alert[]> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(events.sort((a, b) => a.at - b.at).map(oktaEvent)));
  return alertsOfFile(file);
}

const isPage = (a: Alert) => a.severity === 'high' || a.severity === 'critical';
const show = (alerts: Alert[]) => alerts.map((a) => `${a.time} ${a.rule} ${a.severity} ${a.score}: ${a.summary}`).join('\n');

/**
 * bob's session of day 21 copied by an infostealer and replayed through a residential proxy in his own town and
 * ISP: Okta's Identity Threat Protection logs the session's context change (a new device) before the thief adds a
 * factor of their own.
 */
function sameTownThief(
  withVendorEvents: boolean,
  ua = WIN_CHROME,
  behaviors = '{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=NEGATIVE}',
): { events: Spec[]; session: string; damageAt: number } {
  const { session, t } = attackDay();
  const events: Spec[] = [{ at: t, session, ip: HOME, ua: MAC_CHROME, eventType: 'user.session.start' }];
  const thief = (minutes: number, eventType: string, debug?: Record<string, unknown>, target?: unknown[]): Spec => ({
    at: t + minutes * MIN,
    session,
    ip: SAME_TOWN_LINE,
    ua,
    eventType,
    ...(debug ? { debug } : {}),
    ...(target ? { target } : {}),
  });
  if (withVendorEvents) {
    events.push(thief(60, 'user.session.context.change', { risk: '{reasons=Anomalous Device, level=HIGH}', behaviors }));
  }
  events.push(thief(61, 'user.authentication.sso'), thief(63, 'user.authentication.sso'));
  const damageAt = t + 70 * MIN;
  events.push({
    ...thief(70, 'user.mfa.factor.activate', undefined, [{ type: 'User', alternateId: 'bob@example.com', displayName: 'bob' }]),
  });
  return { events, session, damageAt };
}

describe("Okta's own verdicts, weighed against the session's baseline", () => {
  it('a session replayed from the owner’s own ISP and town pages before the thief’s factor once Okta reports the session’s context changed', async () => {
    const attack = sameTownThief(true);
    const alerts = await run('same-town', [...bobsRoutine(21), ...attack.events]);
    const before = alerts.filter((a) => a.credential === attack.session && isPage(a) && Date.parse(a.time) < attack.damageAt);
    assert.ok(before.length > 0, show(alerts.filter((a) => a.credential === attack.session)));
    const verdict = before.find((a) => (a.evidence as { vendor?: { signal?: string } }).vendor?.signal === 'session_context_change');
    assert.ok(verdict, show(before));
    assert.equal(verdict.rule, 'concurrent_use');
    assert.match(verdict.summary, /identity provider saw the session move/);
  });

  it('the same replay with the owner’s own browser string (an infostealer copies it) pages when Okta calls the device new', async () => {
    const attack = sameTownThief(true, MAC_CHROME);
    const alerts = await run('same-town-same-ua', [...bobsRoutine(21), ...attack.events]);
    const before = alerts.filter((a) => a.credential === attack.session && isPage(a) && Date.parse(a.time) < attack.damageAt);
    assert.ok(
      before.some((a) => a.rule === 'concurrent_use'),
      show(alerts.filter((a) => a.credential === attack.session)),
    );
  });

  it('without Okta’s session event the same replay does not page before the factor (the verdict is what catches it)', async () => {
    const attack = sameTownThief(false);
    const alerts = await run('same-town-control', [...bobsRoutine(21), ...attack.events]);
    const before = alerts.filter((a) => a.credential === attack.session && isPage(a) && Date.parse(a.time) < attack.damageAt);
    assert.deepEqual(before, [], show(before));
  });

  it('a session used from an address ThreatInsight flags, in another town of the same ISP, pages at its first request', async () => {
    const { session, t } = attackDay();
    const alerts = await run('flagged', [
      ...bobsRoutine(21),
      { at: t, session, ip: HOME, ua: MAC_CHROME, eventType: 'user.session.start' },
      {
        at: t + 40 * MIN,
        session,
        ip: FLAGGED_LINE,
        ua: MAC_CHROME,
        eventType: 'user.authentication.sso',
        debug: { threatSuspected: 'true' },
      },
    ]);
    const first = alerts.filter((a) => a.credential === session && a.time === new Date(t + 40 * MIN).toISOString());
    const page = first.find(isPage);
    assert.ok(page, show(first));
    assert.equal(page.rule, 'new_place');
    assert.equal((page.evidence as { vendor?: { threat_suspected?: boolean } }).vendor?.threat_suspected, true);
  });

  it('a traveller’s session roaming to a London network with his own laptop is novelty, not a page', async () => {
    const { session, t } = attackDay();
    const london = '81.2.69.142';
    const alerts = await run('traveller', [
      ...bobsRoutine(21),
      { at: t, session, ip: HOME, ua: MAC_CHROME, eventType: 'user.session.start' },
      {
        at: t + 9 * 3_600_000,
        session,
        ip: london,
        ua: MAC_CHROME,
        eventType: 'user.session.context.change',
        debug: { behaviors: '{New Geo-Location=POSITIVE, New Device=NEGATIVE, New IP=POSITIVE, New Country=POSITIVE}' },
      },
      { at: t + 9 * 3_600_000 + MIN, session, ip: london, ua: MAC_CHROME, eventType: 'user.authentication.sso' },
    ]);
    const onSession = alerts.filter((a) => a.credential === session);
    assert.deepEqual(onSession.filter(isPage), [], show(onSession));
    assert.ok(
      onSession.some((a) => (a.evidence as { vendor?: unknown }).vendor !== undefined),
      `Okta's view is in the evidence:\n${show(onSession)}`,
    );
  });

  it('hard negatives do not page: Okta reporting bob’s own move from home to the office, Okta’s integration service acting in his session from AWS, a password spray ThreatInsight blocked, a high-risk rating of his usual laptop at home', async () => {
    const { session, t } = attackDay();
    const alerts = await run('benign', [
      ...bobsRoutine(21),
      {
        at: t,
        session,
        ip: HOME,
        ua: MAC_CHROME,
        eventType: 'user.session.start',
        debug: { risk: '{"level":"HIGH","reasons":"Velocity"}' },
      },
      {
        at: t + 2 * 3_600_000,
        session,
        ip: OFFICE,
        ua: MAC_CHROME,
        eventType: 'user.session.context.change',
        debug: { risk: '{reasons=Anomalous Location, level=MEDIUM}' },
      },
      {
        at: t + 2 * 3_600_000 + 5 * MIN,
        session,
        ip: OKTA_CLOUD,
        ua: 'Okta-Integrations',
        clientId: 'okta.b58d5b75-07d4-5f25-bf59-368a1261a405',
        eventType: 'application.provision.user.push_profile',
      },
      ...Array.from(
        { length: 12 },
        (_, i): Spec => ({
          at: t + 3 * 3_600_000 + i * 20_000,
          session: 'unknown',
          ip: FLAGGED_LINE,
          ua: 'python-requests/2.31.0',
          eventType: 'user.session.start',
          result: 'FAILURE',
          debug: { threatSuspected: 'true' },
        }),
      ),
    ]);
    const pages = alerts.filter(isPage);
    assert.deepEqual(pages, [], show(pages));
    const onAws = alerts.filter((a) => a.time === new Date(t + 2 * 3_600_000 + 5 * MIN).toISOString());
    assert.deepEqual(onAws, [], `Okta's own service is not a new place of bob's session:\n${show(onAws)}`);
  });
});
