import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { alertsOfFile } from '../pipeline/real-data-run.js';
import {
  adminAtHerDesk,
  adminChangeByThief,
  factorEnrolledByThief,
  type GrantShape,
  newRemoteHire,
  oauthAppRollout,
  phoneAcrossTheCountry,
  travellerOnNordVpn,
} from './okta-benign-people.js';
import { benignOkta } from './okta-org.js';
import { type OktaEventSpec, oktaEvent } from './okta-writer.js';
import { Prng } from './prng.js';
import { assertCaughtBeforeDamage, describeAlerts, isPage } from './scenario-asserts.js';

// People doing ordinary things a blind evaluation saw page, each in two contexts: on top of three weeks of the org's
// own work, and in a log that holds little else (the case's own events). None may page. The same admin change and
// the same factor enrolment made by a thief must still page: a fix must not go that far.

const dir = mkdtempSync(join(tmpdir(), 'tw-okta-benign-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function alertsOf(name: string, events: readonly OktaEventSpec[]): Promise<Alert[]> {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify([...events].sort((a, b) => a.at - b.at).map(oktaEvent)));
  return alertsOfFile(file);
}

/** No page in any of the contexts (each run, all reported together). */
async function assertNoPages(name: string, events: () => OktaEventSpec[]): Promise<void> {
  const failures: string[] = [];
  for (const [context, log] of [
    ['with the org', () => [...benignOkta(new Prng(11)), ...events()]],
    ['alone', events],
  ] as const) {
    const pages = (await alertsOf(`${name}-${context.replace(/\W/g, '')}.json`, log())).filter(isPage);
    if (pages.length > 0) failures.push(`${context}:\n${describeAlerts(pages)}`);
  }
  assert.deepEqual(failures, [], failures.join('\n'));
}

describe('real-shaped Okta: benign people the blind evaluation paged', () => {
  it('an administrator’s first zone and policy changes, at her usual desk in her usual session, do not page', async () => {
    await assertNoPages('admin-desk', () => adminAtHerDesk(new Prng(21)));
  });

  it('a remote hire activating and enrolling his factors from his home line in a new town does not page', async () => {
    await assertNoPages('remote-hire', () => newRemoteHire(new Prng(22)));
  });

  it('a remote hire’s Okta Verify registering from his phone on T-Mobile, in his activation session, does not page', async () => {
    await assertNoPages('remote-hire-phone', () => newRemoteHire(new Prng(22), true));
  });

  for (const shape of ['client-id', 'client-target'] as const satisfies readonly GrantShape[]) {
    it(`an OAuth app rolled out to four people, its Ruby backend on Google Cloud in Belgium, does not page (${shape})`, async () => {
      await assertNoPages(`rollout-${shape}`, () => oauthAppRollout(new Prng(23), shape));
    });
  }

  it('a traveller on her own laptop through NordVPN, rated high risk by Okta, does not page', async () => {
    await assertNoPages('nordvpn', () => travellerOnNordVpn(new Prng(24)));
  });

  it('a phone session handed a T-Mobile address DB-IP places in Honolulu, 23 minutes after New York, does not page', async () => {
    await assertNoPages('tmobile', () => phoneAcrossTheCountry(new Prng(25)));
  });

  it('the same, on the first morning he uses his phone for work, does not page', async () => {
    await assertNoPages('tmobile-first', () => phoneAcrossTheCountry(new Prng(25), 11));
  });
});

describe('real-shaped Okta: the same actions by a thief still page', () => {
  it('the zone change from a session signed in on a Finnish server with a new browser pages by the change', async () => {
    const attack = adminChangeByThief();
    const alerts = await alertsOf('admin-thief.json', [...benignOkta(new Prng(11)), ...adminAtHerDesk(new Prng(21)), ...attack.events]);
    assertCaughtBeforeDamage(alerts, attack);
  });

  it('a factor enrolled on a mature account from a Finnish server with a new browser pages by the enrolment', async () => {
    const attack = factorEnrolledByThief();
    const alerts = await alertsOf('enrol-thief.json', [...benignOkta(new Prng(11)), ...newRemoteHire(new Prng(22)), ...attack.events]);
    assertCaughtBeforeDamage(alerts, attack);
  });
});
