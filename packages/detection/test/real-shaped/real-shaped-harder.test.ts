import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { alertsOfFile } from '../pipeline/real-data-run.js';
import { leakedKey } from './aws-attacks.js';
import { appInstance, exfiltratedInsideAws, exfiltratedInstanceKey, lenaWorkdays, sameTownProxy, vpnUser } from './aws-harder.js';
import { benignCompany } from './aws-org.js';
import { trailFile } from './cloudtrail-writer.js';
import { torBrowserSession, torSessionReplay } from './okta-attacks.js';
import { benignOkta } from './okta-org.js';
import { oktaEvent } from './okta-writer.js';
import { Prng } from './prng.js';
import { assertCaughtBeforeDamage, assertChainNeverStepsBack, assertNoBenignPages, describeAlerts, isPage } from './scenario-asserts.js';

// Harder cases on the same real-shaped AWS account: an instance key taken through SSRF, a key replayed through a
// residential proxy in the victim's own town with the victim's own CLI, an engineer on a commercial VPN.

const dir = mkdtempSync(join(tmpdir(), 'tw-real-shaped-harder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('real-shaped CloudTrail: harder thefts', () => {
  let alerts: Alert[] = [];
  const instance = exfiltratedInstanceKey();
  const town = sameTownProxy();
  const leaked = leakedKey();
  before(async () => {
    const rng = new Prng(21);
    const file = join(dir, 'trail.json');
    const calls = [...benignCompany(new Prng(7)), ...leaked.calls, ...appInstance(rng), ...lenaWorkdays(rng), ...vpnUser(rng)];
    writeFileSync(file, trailFile([...calls, ...instance.calls, ...town.calls]));
    alerts = await alertsOfFile(file);
  });

  it('an instance role key used from a VPS minutes after an SSRF pages before the secret is read', () => {
    assertCaughtBeforeDamage(alerts, instance);
    assertChainNeverStepsBack(alerts, instance.credential);
  });

  it("a key replayed from the victim's own town and ISP with the victim's own CLI pages by its first read of never-read data", () => {
    // No new place or client: only what the key never did (IAM enumeration, the backups bucket, another user's key).
    const onKey = alerts.filter((a) => a.credential === town.credential);
    const pages = onKey.filter(isPage);
    assert.ok(pages.length > 0, describeAlerts(onKey));
    assert.ok(Math.floor(Date.parse(pages[0]!.time) / 1000) <= Math.floor(town.damageAt / 1000), describeAlerts(onKey));
    const chain = onKey.filter((a) => a.rule === 'attack_chain' && isPage(a));
    assert.ok(
      chain.some((a) => a.stage === 'collection'),
      describeAlerts(onKey),
    );
    assert.ok(
      onKey.some((a) => a.rule === 'privileged_change' && a.stage === 'persistence' && isPage(a)),
      describeAlerts(onKey),
    );
  });

  it('hard negatives do not page: an EC2 app rotating instance keys, an engineer on Mullvad some days', () => {
    assertNoBenignPages(alerts, [instance.credential, town.credential, leaked.credential]);
  });
});

describe('real-shaped CloudTrail: an instance key used from another machine of the same cloud', () => {
  let alerts: Alert[] = [];
  const inside = exfiltratedInsideAws();
  before(async () => {
    const rng = new Prng(21);
    const file = join(dir, 'inside.json');
    writeFileSync(file, trailFile([...benignCompany(new Prng(7)), ...appInstance(rng), ...inside.calls]));
    alerts = await alertsOfFile(file);
  });

  it('pages on the first call from the thief’s own EC2 instance abroad, before the secret is read', () => {
    // CI runners move between a cloud's regions; an instance pinned to one or two addresses does not.
    assertCaughtBeforeDamage(alerts, inside);
  });

  it('CI, CodeBuild, Lambda and AWS Config on the same cloud still do not page', () => {
    assertNoBenignPages(alerts, [inside.credential]);
  });
});

describe('real-shaped Okta: a session replayed over Tor with the owner’s browser string and device token', () => {
  let alerts: Alert[] = [];
  const tor = torSessionReplay();
  before(async () => {
    const file = join(dir, 'okta-tor.json');
    const events = [...benignOkta(new Prng(11)), ...torBrowserSession(new Prng(3)), ...tor.events].sort((a, b) => a.at - b.at);
    writeFileSync(file, JSON.stringify(events.map(oktaEvent)));
    alerts = await alertsOfFile(file);
  });

  it('pages when the signed-in session continues over Tor, before the API token is made', () => {
    assertCaughtBeforeDamage(alerts, tor);
  });

  it('a new session that starts on Tor (Tor Browser) is not a session moved onto Tor', () => {
    // A new browser over Tor may still page as a new place and client together; it is no copied session.
    const own = alerts.filter((a) => a.credential !== tor.credential && a.rule === 'new_place' && a.evidence.session_moved_to_tor === true);
    assert.deepEqual(own, [], describeAlerts(own));
    assert.ok(
      alerts.some((a) => a.principal === 'dan@acme.io' && a.evidence.asn_kind === 'tor'),
      'the Tor session is still reported',
    );
  });
});
