import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent, Credential, Principal } from '@tokenwarden/core';
import {
  ActionLog,
  IncidentManager,
  Responder,
  ResponderGuard,
  responseMigrations,
  SettingsStore,
  settingsMigrations,
} from '@tokenwarden/response';
import { type Database, openDatabase } from '@tokenwarden/store';
import { alert, ev, memoryStores, recordingGateway, recordingTokens } from '../fakes.js';

const created: Credential = {
  id: 'key_child',
  kind: 'api_key',
  status: 'active',
  scopes: [],
  audience: [],
  created_at: '2026-11-02T03:08:00.000Z',
  canary: false,
  source_system: 'token-service',
  created_by_credential_id: 'key_stolen',
};
const oldKey: Credential = { ...created, id: 'key_legit_old', created_at: '2026-10-01T00:00:00.000Z' };
const account: Principal = {
  id: 'usr_backdoor',
  kind: 'user',
  name: 'backup-admin',
  status: 'active',
  created_at: '2026-11-02T03:09:00.000Z',
  source_system: 'token-service',
  created_by_credential_id: 'key_stolen',
};

describe('responder', () => {
  let dir: string;
  let database: Database;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-response-'));
    database = await openDatabase({
      store: { driver: 'sqlite' },
      dataDir: dir,
      migrations: [...responseMigrations, ...settingsMigrations],
    });
  });
  after(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function setup() {
    const events = [
      ev({
        id: 'e0',
        time: '2026-11-01T09:00:00.000Z',
        credential_id: 'key_stolen',
        source_ip: '198.51.100.7',
        method: 'GET',
        path: '/projects',
      }),
      ev({ id: 'e1', time: '2026-11-02T03:00:00.000Z', credential_id: 'key_stolen', source_ip: '203.0.113.9', method: 'GET', path: '/me' }),
      ev({
        id: 'e2',
        time: '2026-11-02T03:00:30.000Z',
        credential_id: 'key_stolen',
        source_ip: '198.51.100.7',
        method: 'GET',
        path: '/projects',
      }),
    ];
    const stores = memoryStores(events);
    const settings = new SettingsStore(database, stores.audit);
    await settings.set('alerts.enabled', true, { actor: 'admin' });
    await settings.set('alerts.enabled', false, { actor: 'key_stolen', credential_id: 'key_stolen' });
    const incidents = new IncidentManager(stores);
    const incident = await incidents.ingest(
      alert({
        id: 'a1',
        time: '2026-11-02T03:00:00.000Z',
        credential: 'key_stolen',
        severity: 'critical',
        score: 95,
        stage: 'persistence',
      }),
    );
    const tokens = recordingTokens({ credentials: [created, oldKey], principals: [account] });
    const gateway = recordingGateway();
    return { stores, settings, incident, tokens, gateway };
  }

  it('plans containment: block, revoke, sign out, suspend what was created since the attack, block new sources, restore settings', async () => {
    const { stores, settings, incident, tokens, gateway } = await setup();
    const responder = new Responder({ tokens: tokens.admin, gateway, stores, actions: new ActionLog(database), settings });
    const plan = await responder.plan(incident);
    const kinds = plan.actions.map((a) => `${a.kind} ${a.target}`);
    assert.deepEqual(kinds, [
      'block_credential key_stolen',
      'revoke key_stolen',
      'signout alice',
      'block_credential key_child',
      'suspend key_child',
      'suspend usr_backdoor',
      'block_ip 203.0.113.9',
      'restore_setting alerts.enabled',
    ]);
    assert.ok(!kinds.includes('suspend key_legit_old'), 'what the owner created before the attack stays');
    assert.ok(!kinds.includes('block_ip 198.51.100.7'), "the owner's usual address is not blocked");

    const dry = await responder.execute(plan, { actor: 'alice', reason: 'INC confirmed', dryRun: true });
    assert.ok(dry.every((o) => o.status === 'dry_run'));
    assert.deepEqual(tokens.calls, []);
    assert.equal(gateway.orders.length, 0);

    const done = await responder.execute(plan, { actor: 'alice', reason: 'INC confirmed' });
    assert.ok(
      done.every((o) => o.status === 'done'),
      JSON.stringify(done),
    );
    assert.deepEqual(tokens.calls, ['revoke key_stolen', 'signout alice', 'suspend key_child', 'suspend usr_backdoor']);
    assert.deepEqual(
      gateway.orders.map((o) => `${o.action} ${o.target.kind}`),
      ['block credential', 'block credential', 'block ip'],
    );
    assert.equal(await settings.get('alerts.enabled', undefined), true, 'the alert switch the attacker turned off is back on');
    assert.ok(stores.auditRows.some((r) => r.action === 'response.revoke' && r.actor === 'alice' && r.reason === 'INC confirmed'));

    const again = await responder.execute(plan, { actor: 'bob', reason: 'retry' });
    assert.ok(
      again.every((o) => o.status === 'already_done'),
      'every action is idempotent',
    );
    assert.equal(tokens.calls.length, 4);
  });

  it('counts what the request that raised the first alert created and changed, stamped just before the alert', async () => {
    // The first alert is the key-creating request itself: its event is stamped when it finished,
    // the key it created and the setting it turned off a moment earlier.
    const stores = memoryStores([]);
    const settings = new SettingsStore(database, stores.audit);
    await settings.set('audit.enabled', true, { actor: 'admin' });
    await settings.set('audit.enabled', false, { actor: 'key_quiet', credential_id: 'key_quiet' });
    const finishedAt = new Date(Date.now() + 40).toISOString();
    const incident = await new IncidentManager(stores).ingest(
      alert({ id: 'a_quiet', time: finishedAt, credential: 'key_quiet', severity: 'high', stage: 'persistence' }),
    );
    const justBefore = new Date(Date.parse(finishedAt) - 30).toISOString();
    const tokens = recordingTokens({
      credentials: [
        { ...created, id: 'key_minted', created_by_credential_id: 'key_quiet', created_at: justBefore },
        { ...oldKey, id: 'key_owner_last_month', created_by_credential_id: 'key_quiet' },
      ],
      principals: [{ ...account, id: 'usr_minted', created_by_credential_id: 'key_quiet', created_at: justBefore }],
    });
    const responder = new Responder({
      tokens: tokens.admin,
      gateway: recordingGateway(),
      stores,
      actions: new ActionLog(database),
      settings,
    });
    const kinds = (await responder.plan(incident)).actions.map((a) => `${a.kind} ${a.target}`);
    assert.ok(kinds.includes('suspend key_minted'), kinds.join(', '));
    assert.ok(kinds.includes('suspend usr_minted'));
    assert.ok(kinds.includes('restore_setting audit.enabled'));
    assert.ok(!kinds.includes('suspend key_owner_last_month'), 'what the owner created long before stays');
  });

  it('holds automatic actions past the guard for a human', async () => {
    const { stores, settings, incident, tokens, gateway } = await setup();
    const actions = new ActionLog(database);
    const responder = new Responder({
      tokens: tokens.admin,
      gateway,
      stores,
      actions,
      settings,
      guard: new ResponderGuard({ maxAutoActionsPerMinute: 1, allowlist: { credentials: [], principals: [] } }),
    });
    const plan = await responder.plan({ ...incident, id: 'inc_auto', credential_id: 'key_auto', related_credential_ids: [] });
    const out = await responder.execute(plan, { actor: 'policy:auto', reason: 'critical', automatic: true });
    assert.equal(out[0]?.status, 'done');
    assert.equal(out[1]?.status, 'held');
    assert.equal(out.find((o) => o.action.kind === 'signout')?.status, 'held');
    assert.ok((await actions.forIncident('inc_auto')).some((r) => r.status === 'held'));
  });

  it("an allowlisted principal holds every automatic action of its credential's incident: no block, revoke, source block or sign-out", async () => {
    const { stores, settings, incident, tokens, gateway } = await setup();
    const responder = new Responder({
      tokens: tokens.admin,
      gateway,
      stores,
      actions: new ActionLog(database),
      settings,
      guard: new ResponderGuard({ maxAutoActionsPerMinute: 100, allowlist: { credentials: [], principals: ['alice'] } }),
    });
    const plan = await responder.plan({ ...incident, id: 'inc_breakglass', credential_id: 'key_breakglass' });
    const out = await responder.execute(plan, { actor: 'policy:auto', reason: 'critical', automatic: true });
    assert.ok(out.length > 3);
    for (const o of out) assert.equal(o.status, 'held', `${o.action.kind} ${o.action.target}: ${o.detail}`);
    assert.match(out[0]?.detail ?? '', /principal alice is on the response allowlist/);
    assert.deepEqual(tokens.calls, []);
    assert.deepEqual(gateway.orders, []);
    // A human still can.
    const manual = await responder.execute(plan, { actor: 'oncall', reason: 'confirmed' });
    assert.equal(manual.find((o) => o.action.kind === 'revoke')?.status, 'done');
  });

  it('an allowlisted credential holds the source block and the sign-out of its incident, not only its own block and revoke', async () => {
    const { stores, settings, incident, tokens, gateway } = await setup();
    const responder = new Responder({
      tokens: tokens.admin,
      gateway,
      stores,
      actions: new ActionLog(database),
      settings,
      guard: new ResponderGuard({ maxAutoActionsPerMinute: 100, allowlist: { credentials: ['key_stolen'], principals: [] } }),
    });
    const plan = await responder.plan({ ...incident, id: 'inc_allow_cred' });
    const out = await responder.execute(plan, { actor: 'policy:auto', reason: 'critical', automatic: true });
    for (const o of out) assert.equal(o.status, 'held', `${o.action.kind} ${o.action.target}: ${o.detail}`);
    assert.deepEqual(gateway.orders, []);
  });

  // The containment plan of a high alert on `credential`, over `events` alone.
  async function planOf(events: AccessEvent[], credential: string) {
    const stores = memoryStores(events);
    const incident = await new IncidentManager(stores).ingest(
      alert({ id: `a_${credential}`, time: '2026-11-02T03:00:00.000Z', credential, severity: 'high', score: 75, stage: 'modification' }),
    );
    const tokens = recordingTokens({ credentials: [], principals: [] });
    const responder = new Responder({ tokens: tokens.admin, gateway: recordingGateway(), stores, actions: new ActionLog(database) });
    return responder.plan(incident);
  }

  it('writes the cloud runbook from the key’s AWS calls whatever log carried them (CloudTrail, or OCSF from Security Lake)', async () => {
    const key = 'AKIAMINED00000000000';
    const events = [
      ev({
        id: 'c1',
        time: '2026-11-02T03:00:00.000Z',
        credential_id: key,
        source_system: 'cloudtrail',
        operation: 'sts:GetCallerIdentity',
      }),
      ev({
        id: 'c2',
        time: '2026-11-02T03:01:00.000Z',
        credential_id: key,
        source_system: 'CloudTrail',
        operation: 'ec2:RunInstances',
        attributes: { cloud_region: 'us-east-2', created_compute_ids: ['i-0mined'] },
      }),
    ];
    const { runbook } = await planOf(events, key);
    assert.deepEqual(
      runbook.map((s) => s.command),
      [
        'aws ec2 terminate-instances --instance-ids i-0mined --region us-east-2',
        `aws iam update-access-key --access-key-id ${key} --status Inactive`,
      ],
    );
  });

  it('an Okta session id that happens to start with A gets Okta steps, not an AWS key disabled', async () => {
    const session = 'AwxQ3Nq1Y2s0e5ssIoN';
    const events = [
      ev({
        id: 'k1',
        time: '2026-11-02T03:01:00.000Z',
        credential_id: session,
        source_system: 'okta',
        operation: 'okta:system.api_token.create',
        attributes: { okta_targets: [{ type: 'Token', id: '00Tnew' }] },
      }),
    ];
    const { runbook } = await planOf(events, session);
    assert.equal(runbook.length, 1);
    assert.match(runbook[0]!.command, /\/api\/v1\/api-tokens\/00Tnew"$/);
  });
});
