import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent } from '@tokenwarden/core';
import { IncidentManager } from '@tokenwarden/response';
import { createRepositories, type Database, openDatabase, type Repositories } from '@tokenwarden/store';
import { openTokenService, type TokenService } from '@tokenwarden/token-service';
import { allMigrations } from '../../src/migrations.js';
import { startResponseApi } from '../../src/worker/response-api-server.js';

// Every action by hand through the API, with its dry run, and the API's edges: a JSON null body,
// an overlong id, a reason that would make the audit log read otherwise, a report on nothing.
describe('response API: single actions and edge cases', () => {
  let dir: string;
  let database: Database;
  let repos: Repositories;
  let service: TokenService;
  let api: { url: string; close(): Promise<void> };
  let key: string;

  const call = async (method: string, path: string, o: { body?: unknown; raw?: string } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers,
      ...(o.raw !== undefined ? { body: o.raw } : o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  };
  const errorOf = (r: { json?: Record<string, unknown> }) => r.json?.error as { code: string; field?: string; message: string } | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-api-actions-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    repos = createRepositories(database);
    service = await openTokenService({ dataDir: dir, database, issuer: 'http://127.0.0.1:9', audience: 'https://api.test' });
    await service.admin.createUser({ login: 'oncall', password: 'correct horse battery staple' });
    key = (await service.admin.createApiKey({ subject: 'oncall', scopes: ['tokenwarden.respond'] })).key;
    api = await startResponseApi({
      listen: '127.0.0.1:0',
      database,
      service,
      gateway: { send: (order) => repos.controlOrders.append(order).then(() => {}) },
    });
  });
  after(async () => {
    await api?.close();
    await service?.close().catch(() => {});
    await database?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('suspends a key reversibly and reinstates it, each with a dry run', async () => {
    const k = await service.admin.createApiKey({ subject: 'ci', scopes: ['read'] });
    const dry = await call('POST', `/v1/credentials/${k.id}/suspend`, { body: { dry_run: true, reason: 'minted by the thief?' } });
    assert.equal(dry.json?.status, 'dry_run', dry.text);
    assert.equal((await service.view.findKey(k.key))?.status, 'active');
    const done = await call('POST', `/v1/credentials/${k.id}/suspend`, { body: { reason: 'minted by the thief' } });
    assert.equal(done.json?.status, 'done', done.text);
    assert.equal((await service.view.findKey(k.key))?.status, 'suspended');
    const back = await call('POST', `/v1/credentials/${k.id}/reinstate`, { body: { reason: 'the owner made it' } });
    assert.equal(back.json?.status, 'done', back.text);
    assert.equal((await service.view.findKey(k.key))?.status, 'active');
    const audit = await repos.audit.list({ limit: 1000 });
    assert.ok(audit.some((e) => e.action === 'response.reinstate' && e.target === k.id && e.reason === 'the owner made it'));
  });

  it("rotates a service account named by its token's id", async () => {
    const sa = await service.admin.createServiceAccount({ name: 'buildbot', owner: 'p', scopes: ['api'] });
    const r = await call('POST', `/v1/credentials/${sa.id}/rotate`, { body: { reason: 'leaked in CI logs' } });
    assert.equal(r.json?.status, 'done', r.text);
    const result = r.json?.result as { new_credential_id: string; old_valid_until: string };
    assert.match(result.new_credential_id, /^sat_/);
    assert.ok(Date.parse(result.old_valid_until) > Date.now(), 'the old token still works through the overlap');
    assert.doesNotMatch(r.text, /tw_s_/, 'the new token value is in no answer');
  });

  it('refuses a JSON null body like any other body that is not an object, and runs nothing', async () => {
    const inc = await incidentOn('key_null_body');
    const r = await call('POST', `/v1/incidents/${inc}/contain`, { raw: 'null' });
    assert.equal(r.status, 400, r.text);
    assert.equal(errorOf(r)?.field, 'body');
    assert.equal((await call('GET', `/v1/incidents/${inc}`)).json?.status, 'open');
  });

  it('answers an id over 200 characters, or far over, with the documented 400 naming the field', async () => {
    for (const length of [150, 201, 5000]) {
      const r = await call('GET', `/v1/incidents/${'a'.repeat(length)}`);
      if (length === 150) {
        assert.equal(r.status, 404, r.text);
        continue;
      }
      assert.equal(r.status, 400, `${length}: ${r.text}`);
      assert.equal(errorOf(r)?.code, 'TW_INPUT_MALFORMED', r.text);
      assert.ok(errorOf(r)?.field === 'id' || errorOf(r)?.field === 'path', r.text);
    }
  });

  it('refuses a reason with control or text-direction characters', async () => {
    for (const reason of ['ok \u202Efdp.exe', 'nul\u0000byte']) {
      const r = await call('POST', '/v1/subjects/oncall/signout', { body: { reason, dry_run: true } });
      assert.equal(r.status, 400, r.text);
      assert.equal(errorOf(r)?.field, 'reason');
    }
  });

  it('a report on a credential nothing names is a 404, not an empty report', async () => {
    const r = await call('GET', '/v1/reports/key_nosuch');
    assert.equal(r.status, 404, r.text);
    assert.equal(errorOf(r)?.code, 'TW_NOT_FOUND');
  });

  it('a contain by hand answers the incident with the actions it took in its timeline', async () => {
    const inc = await incidentOn('key_contained_by_hand');
    const r = await call('POST', `/v1/incidents/${inc}/contain`, { body: { reason: 'confirmed' } });
    assert.equal(r.status, 200, r.text);
    const incident = r.json?.incident as { status: string; timeline: { kind: string; summary: string; actor?: string }[] };
    assert.equal(incident.status, 'contained');
    const actions = incident.timeline.filter((t) => t.kind === 'action');
    assert.ok(actions.length > 0, JSON.stringify(incident.timeline));
    assert.ok(actions.every((t) => t.actor?.startsWith('oncall (api, ')));
  });

  // An open incident on `credential`, from one stored request.
  async function incidentOn(credential: string): Promise<string> {
    const event: AccessEvent = {
      id: `evt_${credential}`,
      time: new Date(Date.now() - 30_000).toISOString(),
      credential_id: credential,
      credential_kind: 'api_key',
      principal: 'someone',
      source_ip: '203.0.113.77',
      method: 'GET',
      path: '/api/me',
      outcome: 'success',
      status: 200,
      source_system: 'gateway',
    };
    await repos.accessEvents.insertMany([event]);
    const incident = await new IncidentManager(repos).ingest({
      id: `al_${credential}`,
      time: event.time,
      credential,
      rule: 'new_place',
      severity: 'high',
      score: 70,
      stage: 'discovery',
      summary: 'test',
      evidence: {},
      event_ids: [event.id],
    });
    return incident.id;
  }
});
