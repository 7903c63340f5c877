import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { alertsOfFile } from '../pipeline/real-data-run.js';
import { benignOkta, START } from './okta-org.js';
import { newLaptopOnCompanyGateway, ownLaptopBehindCloudVpn, phishingProxySignIn } from './okta-phishing-proxy.js';
import {
  crossTenantImpersonation,
  harSessionReplay,
  helpdeskDays,
  newFederation,
  type OktaTakeover,
  pushFatigue,
  roamedOntoProxy,
  stolenTokenTakeover,
} from './okta-takeovers.js';
import { type OktaEventSpec, oktaEvent } from './okta-writer.js';
import { Prng } from './prng.js';
import { assertCaughtBeforeDamage, describeAlerts, isPage } from './scenario-asserts.js';

// The identity takeovers of the published Okta incidents, written as Okta's System Log writes them, each in two
// contexts: after three weeks of the org's own work, and in a log that starts at the theft (nothing to be
// unfamiliar with). Both must page before the damage; the org's people and its helpdesk must not.

const dir = mkdtempSync(join(tmpdir(), 'tw-okta-takeover-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const takeovers: Record<string, OktaTakeover> = {
  'MFA push fatigue from a clean home line': pushFatigue(),
  'cross-tenant impersonation through a second identity provider': crossTenantImpersonation(),
  'an admin session from a HAR file replayed through a residential proxy with his own browser': harSessionReplay(),
  'the provisioning token resetting the admin’s factors and making him super admin': stolenTokenTakeover(),
  'a session Okta saw roam onto a residential proxy, with its owner’s browser and device token': roamedOntoProxy(),
};
const attacked = new Set(Object.values(takeovers).map((t) => t.credential));

async function alertsOf(name: string, events: readonly OktaEventSpec[]): Promise<Alert[]> {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify([...events].sort((a, b) => a.at - b.at).map(oktaEvent)));
  return alertsOfFile(file);
}

/** No page on a credential no attack used (the impersonated people's own sessions are the attacker's too). */
function assertNoBenignPages(alerts: Alert[], attack: OktaTakeover): void {
  const mine = new Set(attack.events.map((e) => (e.session === 'unknown' ? e.actor.id : e.session)));
  const benign = alerts.filter((a) => isPage(a) && !mine.has(a.credential) && !attacked.has(a.credential));
  assert.deepEqual(benign, [], describeAlerts(benign));
}

for (const [context, tag, history] of [
  ['after three weeks of the org’s own work', 'warm', () => [...benignOkta(new Prng(11)), ...helpdeskDays(new Prng(4))]],
  ['in a log that starts at the theft', 'cold', () => []],
] as const) {
  describe(`real-shaped Okta takeovers, ${context}`, () => {
    const alerts: Record<string, Alert[]> = {};
    before(async () => {
      for (const [name, attack] of Object.entries(takeovers)) {
        alerts[name] = await alertsOf(`${tag}-${name.slice(0, 12)}.json`, [...history(), ...attack.events]);
      }
    });
    for (const [name, attack] of Object.entries(takeovers)) {
      it(`${name} pages before the damage, and nothing else pages`, () => {
        assertCaughtBeforeDamage(alerts[name]!, attack);
        assertNoBenignPages(alerts[name]!, attack);
      });
    }
  });
}

describe('real-shaped Okta: an administrator setting up a partner’s federation and trying it with a test account', () => {
  it('does not page, after three weeks of the org or as all the log holds', async () => {
    for (const [name, events] of [
      ['federation.json', [...benignOkta(new Prng(11)), ...newFederation()]],
      ['federation-alone.json', newFederation()],
    ] as const) {
      const pages = (await alertsOf(name, events)).filter(isPage);
      assert.deepEqual(pages, [], describeAlerts(pages));
    }
  });
});

describe('real-shaped Okta: a helpdesk agent resetting callers’ MFA and passwords', () => {
  it('does not page, over four weeks or in its first two days with nothing else in the log', async () => {
    const all = helpdeskDays(new Prng(4));
    const firstDays = all.filter((e) => e.at < START + 2 * 86_400_000);
    for (const [name, events] of [
      ['helpdesk.json', [...benignOkta(new Prng(11)), ...all]],
      ['helpdesk-first-days.json', firstDays],
    ] as const) {
      const pages = (await alertsOf(name, events)).filter(isPage);
      assert.deepEqual(pages, [], describeAlerts(pages));
    }
  });
});

describe('real-shaped Okta: a sign-in relayed by a phishing proxy', () => {
  it('pages at the sign-in, before the attacker enrolls a factor', async () => {
    const attack = phishingProxySignIn();
    const alerts = await alertsOf('phishing-proxy.json', [...benignOkta(new Prng(11)), ...attack.events]);
    assertCaughtBeforeDamage(alerts, attack);
    assert.ok(alerts.some((a) => a.credential === attack.credential && a.evidence.playbook === 'proxied_sign_in'));
  });

  it('does not page for a laptop behind a VPN in a data centre, nor a new laptop on the company’s cloud gateway', async () => {
    for (const [name, events] of [
      ['own-laptop-vpn.json', ownLaptopBehindCloudVpn()],
      ['company-gateway.json', newLaptopOnCompanyGateway()],
    ] as const) {
      const pages = (await alertsOf(name, [...benignOkta(new Prng(11)), ...events])).filter(isPage);
      assert.deepEqual(pages, [], `${name}\n${describeAlerts(pages)}`);
    }
  });
});
