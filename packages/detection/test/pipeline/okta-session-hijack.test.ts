import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { alertsOfFile } from './real-data-run.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-okta-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const START = Date.parse('2026-10-01T14:00:00Z');
const BOB_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const THIEF_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36';

// An Okta System Log event as Okta writes it (the fields the parser reads, and a few it ignores).
function oktaEvent(at: number, session: string, ip: string, ua: string, eventType: string, target: unknown[] = []) {
  return {
    uuid: `${session}-${at}-${eventType}`,
    published: new Date(at).toISOString(),
    eventType,
    displayMessage: eventType,
    severity: 'INFO',
    version: '0',
    actor: { id: '00ubob', type: 'User', alternateId: 'bob@example.com', displayName: 'Bob' },
    client: { ipAddress: ip, userAgent: { rawUserAgent: ua, os: 'Mac OS X', browser: 'CHROME' }, zone: 'null', device: 'Computer' },
    authenticationContext: { authenticationStep: 0, externalSessionId: session },
    outcome: { result: 'SUCCESS' },
    securityContext: { isProxy: false },
    transaction: { type: 'WEB', id: `tx-${at}` },
    target,
  };
}

describe('an Okta session hijack, end to end from the System Log', () => {
  it('pages on the API token and policy changes made through a stolen session', async () => {
    const events = [];
    // Two weeks of sign-ins and SSO from home, a new session each day.
    for (let d = 0; d < 14; d++) {
      const session = `102bobday${d}`;
      events.push(oktaEvent(START + d * DAY, session, '73.22.10.5', BOB_UA, 'user.session.start'));
      for (let i = 1; i < 8; i++) {
        events.push(
          oktaEvent(START + d * DAY + i * 1_800_000, session, '73.22.10.5', BOB_UA, 'user.authentication.sso', [
            { type: 'AppInstance', displayName: ['Slack', 'Salesforce', 'GitHub'][i % 3] },
          ]),
        );
      }
    }
    // Day 15: the session cookie is stolen and replayed from elsewhere within minutes.
    const stolen = '102bobday14';
    const t = START + 14 * DAY;
    events.push(oktaEvent(t, stolen, '73.22.10.5', BOB_UA, 'user.session.start'));
    const thief = (offset: number, eventType: string, target: unknown[]) =>
      oktaEvent(t + offset, stolen, '185.220.101.4', THIEF_UA, eventType, target);
    events.push(
      thief(900_000, 'user.authentication.sso', [{ type: 'AppInstance', displayName: 'Okta Admin Console' }]),
      thief(960_000, 'system.api_token.create', [{ type: 'Token', displayName: 'backup-sync' }]),
      thief(1_000_000, 'user.mfa.factor.deactivate', [{ type: 'User', displayName: 'carol' }]),
      thief(1_100_000, 'policy.rule.deactivate', [{ type: 'PolicyRule', displayName: 'Require MFA' }]),
    );
    const file = join(dir, 'okta.json');
    writeFileSync(file, JSON.stringify(events));

    const alerts = await alertsOfFile(file);

    const onStolen = alerts.filter((a) => a.credential === stolen);
    const pages = onStolen.filter((a) => a.severity === 'high' || a.severity === 'critical');
    const tokenChange = onStolen.find((a) => a.rule === 'privileged_change');
    assert.ok(tokenChange, `a privileged change is reported: ${onStolen.map((a) => a.rule).join(', ')}`);
    assert.equal(tokenChange.stage, 'persistence');
    assert.ok(tokenChange.severity === 'high' || tokenChange.severity === 'critical');
    assert.ok(onStolen.some((a) => a.rule === 'attack_chain' && a.stage === 'defense_evasion'));
    assert.ok(pages.length > 0);
    // Bob's own sessions never page.
    assert.deepEqual(
      alerts.filter((a) => a.credential !== stolen && (a.severity === 'high' || a.severity === 'critical')),
      [],
    );
  });
});
