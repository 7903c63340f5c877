import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { alertsOfFile } from '../pipeline/real-data-run.js';
import { consentPhishing, expenseAppBackend, stolenAppRefreshToken } from './okta-oauth-apps.js';
import { benignOkta } from './okta-org.js';
import { type OktaEventSpec, oktaEvent, PLACES } from './okta-writer.js';
import { Prng } from './prng.js';
import { assertCaughtBeforeDamage, describeAlerts, isPage } from './scenario-asserts.js';

// OAuth apps' token grants in an Okta org, in both shapes Okta logs them (the person or the app as the actor): an
// app's backend serving four people must not page for its cloud and HTTP library, after its first people; a person
// phished into an attacker's app, and a refresh token stolen from the app's backend, must page before the damage.

const dir = mkdtempSync(join(tmpdir(), 'tw-okta-oauth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function alertsOf(name: string, events: readonly OktaEventSpec[]): Promise<Alert[]> {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify([...events].sort((a, b) => a.at - b.at).map(oktaEvent)));
  return alertsOfFile(file);
}

const APP_GRANT = /^0oa[\w-]+\/00u/;

for (const [shape, actorIsPerson] of [
  ['the person as the actor', true],
  ['the app as the actor', false],
] as const) {
  describe(`real-shaped Okta OAuth apps, ${shape}`, () => {
    it('an app serving people from the log’s first day never pages; consent phishing pages before the damage', async () => {
      const attack = consentPhishing(actorIsPerson);
      const alerts = await alertsOf(`start-${actorIsPerson}.json`, [
        ...benignOkta(new Prng(11)),
        ...expenseAppBackend(new Prng(5), actorIsPerson),
        ...attack.events,
      ]);
      assertCaughtBeforeDamage(alerts, attack);
      const appPages = alerts.filter((a) => isPage(a) && APP_GRANT.test(a.credential) && a.credential !== attack.credential);
      assert.deepEqual(appPages, [], describeAlerts(appPages));
    });

    it('an app rolled out mid-log pages for its first people at most, on its first day only', async () => {
      const alerts = await alertsOf(`rollout-${actorIsPerson}.json`, [
        ...benignOkta(new Prng(11)),
        ...expenseAppBackend(new Prng(5), actorIsPerson, 8),
      ]);
      const appPages = alerts.filter((a) => isPage(a) && APP_GRANT.test(a.credential));
      const firstDay = appPages[0]?.time.slice(0, 10);
      assert.ok(new Set(appPages.map((a) => a.credential)).size <= 2, describeAlerts(appPages));
      assert.deepEqual(
        appPages.filter((a) => a.time.slice(0, 10) !== firstDay),
        [],
        describeAlerts(appPages),
      );
    });

    it('a refresh token copied from the app’s backend and refreshed from elsewhere, or from its own cloud with another HTTP client, pages at once', async () => {
      for (const [where, place] of [
        ['moscow', PLACES.moscow],
        ['aws', PLACES.awsUsEast],
      ] as const) {
        const attack = stolenAppRefreshToken(actorIsPerson, place);
        const alerts = await alertsOf(`stolen-${where}-${actorIsPerson}.json`, [
          ...benignOkta(new Prng(11)),
          ...expenseAppBackend(new Prng(5), actorIsPerson),
          ...attack.events,
        ]);
        assertCaughtBeforeDamage(alerts, attack);
      }
    });
  });
}
