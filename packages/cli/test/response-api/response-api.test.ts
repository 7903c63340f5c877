import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent, Incident } from '@tokenwarden/core';
import { IncidentManager, signalDispatcherFrom, verifyWebhookSignature } from '@tokenwarden/response';
import { createRepositories, type Database, openDatabase, type Repositories } from '@tokenwarden/store';
import { openTokenService, type TokenService } from '@tokenwarden/token-service';
import { startReceiver } from '../../../response/test/signals/receiver.js';
import { allMigrations } from '../../src/migrations.js';
import { startResponseApi } from '../../src/worker/response-api-server.js';

const ATTACKER_IP = '159.89.214.31';

// The response API over real HTTP, with callers authenticated by the token service: scopes,
// every kind of refusal, clear 400s naming the field, and actions that really happen (and are
// audited under the caller) or, with dry_run, do not.
describe('response API (HTTP)', () => {
  let dir: string;
  let database: Database;
  let repos: Repositories;
  let service: TokenService;
  let api: { url: string; close(): Promise<void> };
  let respondKey: string;
  let respondKeyId: string;
  let readKey: string;
  let otherKey: string;
  let victim: { id: string; key: string };
  let incident: Incident;

  const call = async (method: string, path: string, o: { key?: string; body?: unknown; raw?: string; auth?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (o.auth !== undefined) headers.authorization = o.auth;
    else if (o.key) headers.authorization = `Bearer ${o.key}`;
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers,
      ...(o.raw !== undefined ? { body: o.raw } : o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: each assertion below checks the body's fields one by one
    let json: Record<string, any> | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-api-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    repos = createRepositories(database);
    service = await openTokenService({ dataDir: dir, database, issuer: 'http://127.0.0.1:9', audience: 'https://api.test' });
    for (const login of ['alice', 'oncall', 'viewer']) await service.admin.createUser({ login, password: 'correct horse battery staple' });
    const r = await service.admin.createApiKey({ subject: 'oncall', scopes: ['tokenwarden.respond'] });
    respondKey = r.key;
    respondKeyId = r.id;
    readKey = (await service.admin.createApiKey({ subject: 'viewer', scopes: ['tokenwarden.read'] })).key;
    otherKey = (await service.admin.createApiKey({ subject: 'viewer', scopes: ['read'] })).key;
    const v = await service.admin.createApiKey({ subject: 'alice', scopes: ['read', 'admin'] });
    victim = { id: v.id, key: v.key };

    const start = Date.now() - 60_000;
    const events: AccessEvent[] = ['/api/me', '/api/admin/export', '/api/users'].map((path, i) => ({
      id: `evt_api_${i}`,
      time: new Date(start + i * 1000).toISOString(),
      credential_id: victim.id,
      credential_kind: 'api_key',
      principal: 'alice',
      source_ip: ATTACKER_IP,
      method: 'GET',
      path,
      outcome: 'success',
      status: 200,
      bytes_out: 1000,
      source_system: 'gateway',
    }));
    await repos.accessEvents.insertMany(events);
    incident = await new IncidentManager(repos).ingest({
      id: 'al_api_1',
      time: events[0]?.time as string,
      credential: victim.id,
      principal: 'alice',
      rule: 'new_place',
      severity: 'critical',
      score: 90,
      stage: 'collection',
      summary: 'bulk export from a new network',
      evidence: {},
      event_ids: events.map((e) => e.id),
    });
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

  it('refuses missing, malformed, unknown and revoked credentials with 401 and a Bearer challenge', async () => {
    const none = await call('GET', '/v1/incidents');
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="tokenwarden", scope="tokenwarden.read"');
    assert.equal(none.json?.error.code, 'TW_UNAUTHORIZED');
    const basic = await call('GET', '/v1/incidents', { auth: 'Basic b25jYWxsOnB3' });
    assert.equal(basic.status, 401);
    assert.match(basic.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
    const forged = await call('GET', '/v1/incidents', { key: `${respondKey.slice(0, -4)}abcd` });
    assert.equal(forged.status, 401);
    assert.match(forged.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const jwtLike = await call('GET', '/v1/incidents', { key: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJvbmNhbGwifQ.' });
    assert.equal(jwtLike.status, 401, 'an unsigned token is not accepted');
    const revoked = await service.admin.createApiKey({ subject: 'oncall', scopes: ['tokenwarden.respond'] });
    assert.equal((await call('GET', '/v1/incidents', { key: revoked.key })).status, 200);
    await service.admin.revoke(revoked.id, { actor: 'test', reason: 'test' });
    assert.equal((await call('GET', '/v1/incidents', { key: revoked.key })).status, 401, 'a revoked key is refused at once');
  });

  it('needs tokenwarden.read to read and tokenwarden.respond to act (403 insufficient_scope)', async () => {
    const other = await call('GET', '/v1/incidents', { key: otherKey });
    assert.equal(other.status, 403);
    assert.match(other.headers.get('www-authenticate') ?? '', /error="insufficient_scope", scope="tokenwarden.read"/);
    const list = await call('GET', '/v1/incidents', { key: readKey });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json?.incidents.map((i: Incident) => i.id),
      [incident.id],
    );
    const act = await call('POST', `/v1/incidents/${incident.id}/contain`, { key: readKey, body: { dry_run: true } });
    assert.equal(act.status, 403);
    assert.match(act.headers.get('www-authenticate') ?? '', /scope="tokenwarden.respond"/);
    assert.equal((await call('GET', `/v1/incidents/${incident.id}`, { key: respondKey })).status, 200, 'respond implies read');
  });

  it('answers bad input with 400 naming the field, and unknown things with 404', async () => {
    const cases: [string, string, { body?: unknown; raw?: string }, string][] = [
      ['POST', `/v1/incidents/${incident.id}/contain`, { body: { dry_run: 'yes' } }, 'dry_run'],
      ['POST', `/v1/incidents/${incident.id}/contain`, { raw: '{"dry_run": tru' }, 'body'],
      ['POST', `/v1/incidents/${incident.id}/contain`, { body: [1] }, 'body'],
      ['POST', `/v1/incidents/${incident.id}/resolve`, { body: {} }, 'reason'],
      ['POST', `/v1/incidents/${incident.id}/resolve`, { body: { reason: 'x'.repeat(501) } }, 'reason'],
      ['GET', '/v1/incidents?limit=0', {}, 'limit'],
      ['GET', '/v1/incidents?status=closed', {}, 'status'],
      ['POST', '/v1/blocks', { body: { kind: 'country', value: 'NL' } }, 'kind'],
      ['POST', '/v1/blocks', { body: { kind: 'ip', value: 'not-an-ip; drop' } }, 'value'],
      ['POST', '/v1/blocks', { body: { kind: 'asn', value: -5 } }, 'value'],
      ...['999.1.1.1', '256.256.256.256', '1.2.3.4/99', '1.2.3', '1.2.3.4/', '1.2.3.4/8/9', '01.2.3.4', '::1/129', '1.2.3.4/ 8'].map(
        (value): [string, string, { body?: unknown }, string] => ['POST', '/v1/blocks', { body: { kind: 'ip', value } }, 'value'],
      ),
      // Never blocked: it would lock out every local client (or everyone).
      ...['127.0.0.1', '::1', '0.0.0.0', '127.0.0.0/8', '0.0.0.0/0', '::/0'].map((value): [string, string, { body?: unknown }, string] => [
        'POST',
        '/v1/blocks',
        { body: { kind: 'ip', value } },
        'value',
      ]),
      ['GET', `/v1/reports/${victim.id}?format=pdf`, {}, 'format'],
      ['GET', '/v1/reports/bad%20id', {}, 'credential'],
    ];
    for (const [method, path, o, field] of cases) {
      const r = await call(method, path, { key: respondKey, ...o });
      assert.equal(r.status, 400, `${method} ${path}: ${r.text}`);
      assert.equal(r.json?.error.field, field, `${method} ${path}: ${r.text}`);
    }
    const bad = await call('POST', '/v1/blocks', { key: respondKey, body: { kind: 'ip', value: '999.1.1.1' } });
    assert.match(bad.json?.error.message, /999\.1\.1\.1/, 'the message names the bad value');
    const loop = await call('POST', '/v1/blocks', { key: respondKey, body: { kind: 'ip', value: '127.0.0.1' } });
    assert.match(loop.json?.error.message, /127\.0\.0\.1.*loopback/);
    const missing = await call('GET', '/v1/incidents/inc_nope', { key: respondKey });
    assert.equal(missing.status, 404);
    assert.equal(missing.json?.error.code, 'TW_NOT_FOUND');
    assert.match(missing.json?.error.message, /inc_nope/);
    assert.equal((await call('GET', '/v1/nothing', { key: respondKey })).status, 404);
  });

  it('contains an incident: dry_run changes nothing; for real, revokes and audits under the caller', async () => {
    const dry = await call('POST', `/v1/incidents/${incident.id}/contain`, { key: respondKey, body: { dry_run: true, reason: 'check' } });
    assert.equal(dry.status, 200, dry.text);
    assert.ok(dry.json?.outcomes.length > 0 && dry.json?.outcomes.every((o: { status: string }) => o.status === 'dry_run'));
    assert.equal(dry.json?.incident.status, 'open');
    assert.equal((await service.view.findKey(victim.key))?.status, 'active', 'a dry run revokes nothing');

    const real = await call('POST', `/v1/incidents/${incident.id}/contain`, { key: respondKey, body: { reason: 'confirmed with alice' } });
    assert.equal(real.status, 200, real.text);
    assert.equal(real.json?.incident.status, 'contained');
    const kinds = real.json?.outcomes
      .filter((o: { status: string }) => o.status === 'done')
      .map((o: { action: { kind: string } }) => o.action.kind);
    for (const k of ['block_credential', 'revoke', 'signout', 'block_ip']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
    assert.equal((await service.view.findKey(victim.key))?.status, 'revoked');
    const audit = await repos.audit.list({ limit: 1000 });
    const revoke = audit.find((e) => e.action === 'response.revoke' && e.target === victim.id);
    assert.equal(revoke?.actor, `oncall (api, ${respondKeyId})`);
    assert.equal(revoke?.reason, 'confirmed with alice');
    const again = await call('POST', `/v1/incidents/${incident.id}/contain`, { key: respondKey, body: {} });
    assert.ok(
      again.json?.outcomes.every((o: { status: string }) => o.status === 'already_done'),
      'idempotent',
    );
  });

  it('revokes, signs out and blocks one thing at a time, and changes incident status', async () => {
    const k = await service.admin.createApiKey({ subject: 'alice', scopes: ['read'] });
    const revoke = await call('POST', `/v1/credentials/${k.id}/revoke`, { key: respondKey, body: { reason: 'pasted in chat' } });
    assert.equal(revoke.status, 200, revoke.text);
    assert.equal(revoke.json?.status, 'done');
    assert.equal((await service.view.findKey(k.key))?.status, 'revoked');
    const signout = await call('POST', '/v1/subjects/alice/signout', { key: respondKey, body: { dry_run: true } });
    assert.equal(signout.json?.status, 'dry_run');
    const before = (await repos.controlOrders.since(0)).length;
    const block = await call('POST', '/v1/blocks', { key: respondKey, body: { kind: 'asn', value: 14061, reason: 'abuse' } });
    assert.equal(block.json?.status, 'done', block.text);
    const orders = await repos.controlOrders.since(0);
    assert.equal(orders.length, before + 1);
    assert.deepEqual(orders.at(-1)?.order.target, { kind: 'asn', value: 14061 });

    for (const value of ['203.0.113.9', '203.0.113.0/24', '2001:db8::/32']) {
      const ip = await call('POST', '/v1/blocks', { key: respondKey, body: { kind: 'ip', value, reason: 'abuse' } });
      assert.equal(ip.json?.status, 'done', ip.text);
      assert.deepEqual((await repos.controlOrders.since(0)).at(-1)?.order.target, { kind: 'ip', value });
    }

    const fp = await call('POST', `/v1/incidents/${incident.id}/false-positive`, { key: respondKey, body: { reason: 'alice on holiday' } });
    assert.equal(fp.json?.status, 'false_positive');
    const reopened = await call('POST', `/v1/incidents/${incident.id}/reopen`, { key: respondKey, body: { reason: 'not so sure' } });
    assert.equal(reopened.json?.status, 'open');
  });

  it('revokes a JWT access token by its id (jti), as alerts and incidents name it', async () => {
    const server = await service.listen('127.0.0.1:0');
    const { port } = server.address() as { port: number };
    const client = await service.admin.createClient({ name: 'svc', grantTypes: ['client_credentials'], scopes: ['read'] });
    const res = await fetch(`http://127.0.0.1:${port}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=read',
    });
    assert.equal(res.status, 200);
    const token = ((await res.json()) as { access_token: string }).access_token;
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { jti: string };
    assert.equal((await service.view.introspect(token)).active, true);

    const revoke = await call('POST', `/v1/credentials/${jti}/revoke`, { key: respondKey, body: { reason: 'alert on this token' } });
    assert.equal(revoke.status, 200, revoke.text);
    assert.equal(revoke.json?.status, 'done', revoke.text);
    assert.equal((await service.view.introspect(token)).active, false);
    const log = await service.view.revocationsSince(0);
    assert.ok(log.some((r) => r.kind === 'jti' && r.value === jti));

    const unknown = await call('POST', '/v1/credentials/dyQfDrX2EYFSw4g1szktsbtr0Z2c0yKnKO9xphIDqvn/revoke', { key: respondKey, body: {} });
    assert.equal(unknown.json?.status, 'failed', 'an id never issued is still unknown');
    assert.match(unknown.json?.detail, /not found/);
  });

  it('serves the forensic report as JSON, Markdown and a self-contained HTML page', async () => {
    const json = await call('GET', `/v1/reports/${victim.id}?all=true`, { key: readKey });
    assert.equal(json.status, 200);
    assert.equal(json.json?.totals.requests, 3);
    const md = await call('GET', `/v1/reports/${victim.id}?format=md&all=true`, { key: readKey });
    assert.match(md.headers.get('content-type') ?? '', /text\/markdown/);
    assert.match(md.text, new RegExp(victim.id));
    const html = await call('GET', `/v1/reports/${victim.id}?format=html`, { key: readKey });
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(html.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(html.text, /<svg/);
  });

  it('announces incident changes made through the API on the signal dispatcher (signed webhooks)', async () => {
    const rx = await startReceiver();
    const { received } = rx;
    const secret = 'api-hook-secret-0123456789';
    const { dispatcher } = await signalDispatcherFrom(
      { webhooks: [{ url: `${rx.url}/h`, secret, format: 'json', min_severity: 'low' }] },
      { dataDir: dir, retries: 0 },
    );
    const second = await startResponseApi({
      listen: '127.0.0.1:0',
      database,
      service,
      gateway: { send: (order) => repos.controlOrders.append(order).then(() => {}) },
      signals: dispatcher,
    });
    try {
      const res = await fetch(`${second.url}/v1/incidents/${incident.id}/resolve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${respondKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'closed after review' }),
      });
      assert.equal(res.status, 200);
      assert.equal(await dispatcher.flush(10_000), true);
      assert.equal(received.length, 1);
      assert.ok(
        verifyWebhookSignature(secret, received[0]?.headers['x-tokenwarden-signature'] as string | undefined, received[0]?.body ?? ''),
      );
      const body = JSON.parse(received[0]?.body ?? '{}');
      assert.equal(body.type, 'incident');
      assert.equal(body.data.status, 'resolved');
      assert.match(body.title, /open → resolved/);
    } finally {
      await second.close();
      await rx.close();
    }
  });
});
