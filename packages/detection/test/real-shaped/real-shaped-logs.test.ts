import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { hashedCredentialId } from '../../src/ingest/parsers/nginx.js';
import { alertsOfFile } from '../pipeline/real-data-run.js';
import { llmJackedKey, minerKey, secretHarvestKey } from './aws-abuse.js';
import { dormantKey, leakedKey, lowAndSlow } from './aws-attacks.js';
import { benignCompany } from './aws-org.js';
import { trailFile } from './cloudtrail-writer.js';
import { benignApi, concurrentDashboardKey, replayedPartnerKey, TOKENS } from './nginx-api.js';
import { accessLine } from './nginx-writer.js';
import { ocsfApiActivity } from './ocsf-writer.js';
import { concurrentSession, type OktaAttack, stolenAdminSession, stolenApiToken } from './okta-attacks.js';
import { benignOkta } from './okta-org.js';
import { oktaEvent } from './okta-writer.js';
import { Prng } from './prng.js';
import {
  assertBackdoorFollowed,
  assertCaughtBeforeDamage,
  assertChainNeverStepsBack,
  assertNoBenignPages,
  describeAlerts,
  isPage,
} from './scenario-asserts.js';

// Logs written as AWS, Okta and nginx write them (not by our simulator), run through the real pipeline with the
// shipped IP databases: attacks must page before their first damage, and the hard negatives must not page.

const dir = mkdtempSync(join(tmpdir(), 'tw-real-shaped-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const leaked = leakedKey();
const slow = lowAndSlow();
/** The AWS account's calls, benign and attacks, in time order. */
const accountCalls = () => [...benignCompany(new Prng(7)), ...leaked.calls, ...slow.calls].sort((a, b) => a.at - b.at);

describe('real-shaped CloudTrail: one AWS account over two weeks', () => {
  let alerts: Alert[] = [];
  before(async () => {
    const file = join(dir, 'trail.json');
    writeFileSync(file, trailFile(accountCalls()));
    alerts = await alertsOfFile(file);
  });

  it('a key leaked on GitHub and used days later from a VPS abroad pages before the backups are read', () => {
    assertCaughtBeforeDamage(alerts, leaked);
    assertChainNeverStepsBack(alerts, leaked.credential);
    const persistence = alerts.find(
      (a) => a.credential === leaked.credential && a.rule === 'privileged_change' && a.stage === 'persistence',
    );
    assert.equal(persistence?.severity, 'critical');
  });

  it('the alerts raised by the thief’s first call, GetCallerIdentity from the VPS, place it at capability_probe', () => {
    const first = alerts.filter((a) => a.credential === leaked.credential && a.time === new Date(leaked.startAt).toISOString());
    assert.ok(first.length > 0 && first.every((a) => a.stage === 'capability_probe'), describeAlerts(first));
  });

  it('an AuthFailure from a region the account never enabled, mid-enumeration, is discovery, not a validity check', () => {
    const chain = alerts.filter((a) => a.credential === leaked.credential && a.rule === 'attack_chain');
    assert.ok(!chain.some((a) => a.stage === 'validity_check'), describeAlerts(chain));
  });

  it('the key the thief minted for its backdoor user is followed to defense evasion', () => {
    assertBackdoorFollowed(alerts);
  });

  it('a low-and-slow chain over three days from a VPS in the victim’s own country pages on its first day', () => {
    assertCaughtBeforeDamage(alerts, slow);
    assertChainNeverStepsBack(alerts, slow.credential);
  });

  it('hard negatives do not page: travel, commuting across a mis-geolocated office block, a new laptop, on-call nights, CI and CodeBuild across regions, Terraform, a key rotation, a new employee, Zscaler abroad, CloudFormation for a console user', () => {
    assertNoBenignPages(alerts, [leaked.credential, slow.credential]);
  });
});

describe('real-shaped OCSF: the same account through Amazon Security Lake', () => {
  let alerts: Alert[] = [];
  before(async () => {
    const file = join(dir, 'lake.jsonl');
    writeFileSync(
      file,
      `${accountCalls()
        .map((c) => JSON.stringify(ocsfApiActivity(c)))
        .join('\n')}\n`,
    );
    alerts = await alertsOfFile(file);
  });

  it('both attacks page before their damage, as from CloudTrail', () => {
    assertCaughtBeforeDamage(alerts, leaked);
    assertCaughtBeforeDamage(alerts, slow);
  });

  it('the backdoor user the thief made is followed from the key in api.response.data to defense evasion', () => {
    assertBackdoorFollowed(alerts);
  });

  it('the hard negatives do not page', () => {
    assertNoBenignPages(alerts, [leaked.credential, slow.credential]);
  });
});

describe('real-shaped CloudTrail: a dormant key, first seen in the logs as it is replayed', () => {
  const dormant = dormantKey();
  let alerts: Alert[] = [];
  before(async () => {
    const file = join(dir, 'dormant.json');
    writeFileSync(file, trailFile([...benignCompany(new Prng(7)), ...dormant.calls].sort((a, b) => a.at - b.at)));
    alerts = await alertsOfFile(file);
  });

  it('with nothing to judge it by, it pages critical when it stops CloudTrail after looking around and making a user', () => {
    const pagesOnKey = alerts.filter((a) => a.credential === dormant.credential && isPage(a));
    const chain = pagesOnKey.find((a) => a.rule === 'attack_chain' && a.evidence.kind === 'unbaselined_chain');
    assert.ok(chain, describeAlerts(alerts.filter((a) => a.credential === dormant.credential)));
    assert.equal(chain.severity, 'critical');
    assert.equal(chain.time, new Date(dormant.blindedAt).toISOString());
    assert.equal(chain.principal, 'arn:aws:iam::418295730164:user/build-legacy');
  });

  it('the account’s own people and automation still do not page', () => {
    assertNoBenignPages(alerts, [dormant.credential]);
  });
});

describe('real-shaped CloudTrail: leaked keys put to work (LLM-jacking, mining), first seen as they are replayed', () => {
  const attacks = { llm: llmJackedKey(), miner: minerKey() };
  let alerts: Alert[] = [];
  before(async () => {
    const file = join(dir, 'abuse.json');
    const calls = [...benignCompany(new Prng(7)), ...attacks.llm.calls, ...attacks.miner.calls];
    writeFileSync(file, trailFile(calls.sort((a, b) => a.at - b.at)));
    alerts = await alertsOfFile(file);
  });

  for (const [name, playbook] of [
    ['llm', 'llm_hijack'],
    ['miner', 'compute_hijack'],
  ] as const) {
    it(`${name}: pages high at the sweep's third region (or second with GPUs, or a first launch asking for a GPU fleet), before any damage`, () => {
      const attack = attacks[name];
      const found = alerts.find((a) => a.credential === attack.credential && a.evidence.kind === 'cloud_abuse');
      assert.ok(found, describeAlerts(alerts.filter((a) => a.credential === attack.credential)));
      assert.equal(found.evidence.playbook, playbook);
      assert.equal(found.severity, 'high');
      assert.equal(found.time, new Date(attack.evidentAt).toISOString());
      assertCaughtBeforeDamage(alerts, attack);
    });
  }

  it('the account’s own people and automation still do not page', () => {
    assertNoBenignPages(alerts, [attacks.llm.credential, attacks.miner.credential]);
  });
});

describe('real-shaped CloudTrail: a leaked key that empties the secrets vault', () => {
  const harvest = secretHarvestKey();
  let alerts: Alert[] = [];
  before(async () => {
    const file = join(dir, 'harvest.json');
    writeFileSync(file, trailFile([...benignCompany(new Prng(7)), ...harvest.calls].sort((a, b) => a.at - b.at)));
    alerts = await alertsOfFile(file);
  });

  it('pages high at the tenth secret read after listing the vault', () => {
    const found = alerts.find((a) => a.credential === harvest.credential && a.evidence.kind === 'secret_harvest');
    assert.ok(found, describeAlerts(alerts.filter((a) => a.credential === harvest.credential)));
    assert.equal(found.severity, 'high');
    assert.equal(found.time, new Date(harvest.evidentAt).toISOString());
  });

  it('the secrets operator and the deploy job, which list and read a dozen secrets every run, do not page', () => {
    assertNoBenignPages(alerts, [harvest.credential]);
    const readers = alerts.filter((a) => a.evidence.kind === 'secret_harvest' && a.credential !== harvest.credential);
    // At most their first runs, with nothing learned, are worth a look.
    assert.ok(readers.length <= 2, describeAlerts(readers));
  });
});

describe('real-shaped Okta System Log: one org over three weeks', () => {
  let alerts: Alert[] = [];
  const attacks: OktaAttack[] = [stolenAdminSession(), stolenApiToken(), concurrentSession()];
  before(async () => {
    const file = join(dir, 'okta.json');
    const events = [...benignOkta(new Prng(11)), ...attacks.flatMap((a) => a.events)].sort((a, b) => a.at - b.at);
    writeFileSync(file, JSON.stringify(events.map(oktaEvent)));
    alerts = await alertsOfFile(file);
  });

  it('an administrator’s session cookie replayed from a VPS abroad (device token and all) pages before the API token is made', () => {
    assertCaughtBeforeDamage(alerts, attacks[0]!);
    assertChainNeverStepsBack(alerts, attacks[0]!.credential);
  });

  it('the provisioning API token used from a foreign ISP to make a super admin pages on that first call', () => {
    const onToken = alerts.filter((a) => a.credential === attacks[1]!.credential && isPage(a));
    assert.ok(
      onToken.some((a) => a.time === new Date(attacks[1]!.startAt).toISOString()),
      describeAlerts(onToken),
    );
  });

  it('a session used by a thief in another city while its owner works pages before the thief enrolls a factor', () => {
    assertCaughtBeforeDamage(alerts, attacks[2]!);
  });

  it('hard negatives do not page: the administrator’s routine factor resets and first policy edit, a browser update mid-session, tethering, a traveller, a new employee enrolling factors, a new laptop with Okta Verify re-enrolled, on-call nights', () => {
    const attacked = new Set(attacks.map((a) => a.credential));
    const benignPages = alerts.filter((a) => isPage(a) && !attacked.has(a.credential));
    assert.deepEqual(benignPages, [], describeAlerts(benignPages));
  });
});

describe('real-shaped nginx access log: a public API over two weeks', () => {
  let alerts: Alert[] = [];
  const partner = { ...replayedPartnerKey(), credential: hashedCredentialId(TOKENS.partner) };
  const dashboard = { ...concurrentDashboardKey(), credential: hashedCredentialId(TOKENS.dashboard) };
  before(async () => {
    const file = join(dir, 'access.log');
    const requests = [...benignApi(new Prng(5)), ...partner.requests, ...dashboard.requests].sort((a, b) => a.at - b.at);
    writeFileSync(file, `${requests.map(accessLine).join('\n')}\n`);
    alerts = await alertsOfFile(file);
  });

  it('a partner key replayed from a VPS to walk user ids pages before the first record comes back', () => {
    assertCaughtBeforeDamage(alerts, partner);
    assertChainNeverStepsBack(alerts, partner.credential);
  });

  it('the 403s of an id walk that started with a whoami are part of the walk, not a validity check', () => {
    const burst = alerts.find((a) => a.credential === partner.credential && a.rule === 'probing' && a.evidence.kind === 'failure_burst');
    assert.equal(burst?.stage, 'discovery', describeAlerts(alerts.filter((a) => a.credential === partner.credential)));
  });

  it('the owner’s routine calls after the thief stopped do not advance the thief’s chain', () => {
    for (const attack of [partner, dashboard]) {
      const thiefDone = Math.max(...attack.requests.map((r) => r.at));
      const later = alerts.filter((a) => a.credential === attack.credential && a.rule === 'attack_chain' && Date.parse(a.time) > thiefDone);
      assert.deepEqual(later, [], describeAlerts(later));
    }
  });

  it('a dashboard key used from abroad while support works in Chicago pages before the export', () => {
    assertCaughtBeforeDamage(alerts, dashboard);
  });

  it('hard negatives do not page: the nightly catalogue walk over product ids, CI smoke tests expecting 403/404 from runners in any Azure region', () => {
    const attacked = new Set([partner.credential, dashboard.credential]);
    const benignPages = alerts.filter((a) => isPage(a) && !attacked.has(a.credential));
    assert.deepEqual(benignPages, [], describeAlerts(benignPages));
  });

  it('once learned, the nightly walk over product ids by its usual job is a note (low), not a medium every night', () => {
    const catalog = hashedCredentialId(TOKENS.catalog);
    const learned = alerts.filter((a) => a.credential === catalog && Date.parse(a.time) > Date.parse('2026-10-09T00:00:00Z'));
    assert.ok(learned.length > 0 && learned.every((a) => a.severity === 'low'), describeAlerts(learned));
  });
});
