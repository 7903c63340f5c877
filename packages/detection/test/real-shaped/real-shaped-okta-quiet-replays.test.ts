import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { alertsOfFile } from '../pipeline/real-data-run.js';
import { expenseAppBackend } from './okta-oauth-apps.js';
import { benignOkta } from './okta-org.js';
import {
  awsCliHabit,
  cityMatchedSessionReplay,
  danPhishedDay,
  deviceCodePhishing,
  lowAndSlow,
  nadiaReplayDay,
  nadiaWeeks,
} from './okta-quiet-replays.js';
import type { OktaTakeover } from './okta-takeovers.js';
import { type OktaEventSpec, oktaEvent } from './okta-writer.js';
import { Prng } from './prng.js';
import { assertCaughtBeforeDamage, describeAlerts, isPage } from './scenario-asserts.js';

// Thefts that look like their owners, written as Okta's System Log writes them: a stealer-log session replayed through
// residential proxy exits in the victim's own city, beside her; a stolen session used a few minutes each evening from
// abroad; a device code phished and redeemed from a VPS. Each after three weeks of the org's own work (with the victim's
// own history, and the org's okta-aws-cli and expense-app use for the device code), and in a log holding little but the
// victim's day. Each must page before its damage; nothing the org does on its own may page.

const dir = mkdtempSync(join(tmpdir(), 'tw-okta-quiet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  attack: OktaTakeover;
  /** The org's own work around the attack: three weeks, or just the victim's day. */
  warm: () => OktaEventSpec[];
  /**
   * Absent where the victim's day alone cannot tell the thief from the owner: A8's session, seen on one Friday in
   * Chicago and then only in the thief's evenings abroad, is what the owner's own trip with the same laptop looks like.
   * After three weeks, the owner's sessions at home each day give the thief away.
   */
  cold?: () => OktaEventSpec[];
}

const cases: Record<string, Case> = {
  'A2: an admin’s stealer-log session replayed beside her through proxy exits in her city (no proxy flag), then an API token': {
    attack: cityMatchedSessionReplay(false),
    warm: () => [...benignOkta(new Prng(11)), ...nadiaWeeks(new Prng(21))],
    cold: () => nadiaReplayDay(new Prng(21)),
  },
  'A2: the same, with Okta flagging the exits as proxies': {
    attack: cityMatchedSessionReplay(true),
    warm: () => [...benignOkta(new Prng(11)), ...nadiaWeeks(new Prng(21))],
    cold: () => nadiaReplayDay(new Prng(21)),
  },
  'A8: a stolen session used a few minutes each evening for five evenings from a home line in India, then a factor enrolled': {
    attack: lowAndSlow(new Prng(8)),
    warm: () => benignOkta(new Prng(11)),
  },
  'A11: a device code phished for okta-aws-cli and redeemed with offline_access from a VPS': {
    attack: deviceCodePhishing(),
    warm: () => [...benignOkta(new Prng(11)), ...awsCliHabit(new Prng(3)), ...expenseAppBackend(new Prng(5), false)],
    cold: () => danPhishedDay(new Prng(12)),
  },
};

async function alertsOf(name: string, events: readonly OktaEventSpec[]): Promise<Alert[]> {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify([...events].sort((a, b) => a.at - b.at).map(oktaEvent)));
  return alertsOfFile(file);
}

/** No page on a credential the attack did not use. */
function assertNoBenignPages(alerts: Alert[], attack: OktaTakeover): void {
  const mine = new Set([attack.credential, ...attack.events.map((e) => e.session)]);
  const benign = alerts.filter((a) => isPage(a) && !mine.has(a.credential));
  assert.deepEqual(benign, [], describeAlerts(benign));
}

for (const context of ['warm', 'cold'] as const) {
  const label = context === 'warm' ? 'after three weeks of the org’s own work' : 'in a log holding little but the victim’s day';
  describe(`real-shaped Okta quiet replays, ${label}`, () => {
    const alerts: Record<string, Alert[]> = {};
    before(async () => {
      for (const [i, [name, c]] of Object.entries(cases).entries()) {
        const around = c[context];
        if (around !== undefined) alerts[name] = await alertsOf(`${context}-${i}.json`, [...around(), ...c.attack.events]);
      }
    });
    for (const [name, c] of Object.entries(cases)) {
      if (c[context] === undefined) continue;
      it(`${name} pages before the damage, and nothing else pages`, () => {
        assertCaughtBeforeDamage(alerts[name]!, c.attack);
        assertNoBenignPages(alerts[name]!, c.attack);
      });
    }
  });
}
