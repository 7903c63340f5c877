import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResponseConfig, resolveResponseSignals } from '@tokenwarden/config';
import type { Incident } from '@tokenwarden/core';
import { SET_EVENT_TYPES, signalDispatcherFrom, ssfSigningKey, verifyWebhookSignature } from '@tokenwarden/response';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { alert } from '../fakes.js';
import { startReceiver } from './receiver.js';

const HOOK_SECRET = 'hook-secret-0123456789abcdef';
const incident: Incident = {
  id: 'inc_1',
  credential_id: 'key_1',
  status: 'contained',
  severity: 'critical',
  risk_score: 92,
  stage: 'persistence',
  opened_at: '2026-11-02T03:00:00.000Z',
  updated_at: '2026-11-02T03:00:05.000Z',
  first_event_at: '2026-11-02T03:00:00.000Z',
  alert_ids: [],
  related_credential_ids: [],
  timeline: [],
};

describe('signal dispatcher (config to webhooks and Shared Signals)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tw-signals-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps one SSF signing key under the data directory (0600), stable across loads', async () => {
    const a = await ssfSigningKey(dir, 'https://tw.example');
    const b = await ssfSigningKey(dir, 'https://tw.example');
    assert.equal(a.publicJwk.kid, b.publicJwk.kid);
    assert.equal(a.publicJwk.kty, 'OKP');
    assert.equal(a.publicJwk.d, undefined, 'the public JWK holds no private part');
    const file = join(dir, 'secrets', 'ssf-signing-key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(readFileSync(file, 'utf8').trim().length >= 43);
  });

  it('sends signed webhooks at or above min_severity and signed SETs to the receivers that asked', async () => {
    const rx = await startReceiver((path) => (path === '/slow' ? { status: 202, delayMs: 1500 } : { status: 202 }));
    try {
      const cfg = ResponseConfig.parse({
        webhooks: [
          { url: `${rx.url}/hook`, secret_env: 'TW_TEST_HOOK_SECRET', min_severity: 'high' },
          { url: `${rx.url}/slack`, secret: HOOK_SECRET, format: 'slack', min_severity: 'critical' },
        ],
        ssf: {
          issuer: 'https://tw.example',
          receivers: [
            { url: `${rx.url}/idp`, audience: 'https://idp.example', authorization_env: 'TW_TEST_SSF_AUTH', events: ['session-revoked'] },
            { url: `${rx.url}/slow` },
          ],
        },
      });
      const resolved = resolveResponseSignals(cfg, { TW_TEST_HOOK_SECRET: HOOK_SECRET, TW_TEST_SSF_AUTH: 'Bearer rx-token' });
      const { dispatcher, ssfKey } = await signalDispatcherFrom(resolved, { dataDir: dir, retries: 0 });

      const started = Date.now();
      dispatcher.alert(alert({ id: 'al_low', time: incident.opened_at, credential: 'key_1', severity: 'medium' }));
      dispatcher.alert(alert({ id: 'al_high', time: incident.opened_at, credential: 'key_1', severity: 'high' }));
      dispatcher.incident(incident, 'contained');
      await dispatcher.securityEvent({ type: 'session-revoked', subject: { format: 'opaque', id: 'alice' }, time: new Date() });
      await dispatcher.securityEvent({
        type: 'credential-compromise',
        subject: { format: 'opaque', id: 'key_1' },
        time: new Date(),
        credential_type: 'api-key',
      });
      assert.ok(Date.now() - started < 1000, 'queuing does not wait for receivers (one of them takes 1.5 s to answer)');
      assert.equal(await dispatcher.flush(10_000), true);

      const hook = rx.received.filter((r) => r.path === '/hook');
      assert.deepEqual(hook.map((r) => JSON.parse(r.body).type).sort(), ['alert', 'incident'], 'the medium alert is below min_severity');
      for (const r of hook) assert.ok(verifyWebhookSignature(HOOK_SECRET, r.headers['x-tokenwarden-signature'] as string, r.body));
      assert.ok(
        !verifyWebhookSignature('another-secret-0123456789', hook[0]?.headers['x-tokenwarden-signature'] as string, hook[0]?.body ?? ''),
      );
      const slack = rx.received.filter((r) => r.path === '/slack');
      assert.equal(slack.length, 1, 'only the critical incident reaches the critical-only Slack hook');
      assert.ok(Array.isArray(JSON.parse(slack[0]?.body ?? '{}').blocks));

      const jwks = createLocalJWKSet({ keys: [ssfKey?.publicJwk ?? {}] });
      const idp = rx.received.filter((r) => r.path === '/idp');
      assert.equal(idp.length, 1, 'the IdP asked for session-revoked only');
      assert.equal(idp[0]?.headers.authorization, 'Bearer rx-token');
      assert.equal(idp[0]?.headers['content-type'], 'application/secevent+jwt');
      const { payload } = await jwtVerify(idp[0]?.body ?? '', jwks, {
        issuer: 'https://tw.example',
        audience: 'https://idp.example',
        typ: 'secevent+jwt',
      });
      assert.ok((payload.events as Record<string, unknown>)[SET_EVENT_TYPES.sessionRevoked]);
      const slow = rx.received.filter((r) => r.path === '/slow');
      assert.equal(slow.length, 2, 'a receiver with no event filter gets both');
      const types = [];
      for (const r of slow) {
        const v = await jwtVerify(r.body, jwks, { audience: new URL(rx.url).origin });
        types.push(...Object.keys(v.payload.events as object));
      }
      assert.deepEqual(types.sort(), [SET_EVENT_TYPES.sessionRevoked, SET_EVENT_TYPES.credentialCompromise].sort());
      assert.deepEqual(dispatcher.stats(), { queued: 0, active: 0, sent: 6, failed: 0, dropped: 0 });
    } finally {
      await rx.close();
    }
  });

  it('retries a failing receiver in the background, counts what fails, and drops the oldest when the queue is full', async () => {
    const rx = await startReceiver((_path, attempt) => (attempt === 1 ? { status: 503 } : { status: 204 }));
    try {
      const results: string[] = [];
      const { dispatcher } = await signalDispatcherFrom(
        { webhooks: [{ url: `${rx.url}/flaky`, secret: HOOK_SECRET, format: 'json', min_severity: 'low' }] },
        { dataDir: dir, retries: 1, onResult: (r) => results.push(`${r.ok}:${r.detail}`) },
      );
      dispatcher.alert(alert({ id: 'al_1', time: incident.opened_at, credential: 'key_1', severity: 'low' }));
      assert.equal(await dispatcher.flush(10_000), true);
      assert.deepEqual(results, ['true:HTTP 204 after 2 attempt(s)']);

      // Nothing listens here: every delivery fails after its retries, without throwing anywhere.
      const dead = await signalDispatcherFrom(
        { webhooks: [{ url: 'http://127.0.0.1:9/hook', secret: HOOK_SECRET, format: 'json', min_severity: 'low' }] },
        { dataDir: dir, retries: 0 },
      );
      for (let i = 0; i < 1010; i++) dead.dispatcher.alert(alert({ id: `al_${i}`, time: incident.opened_at, credential: 'key_1' }));
      assert.ok(dead.dispatcher.stats().dropped >= 6, JSON.stringify(dead.dispatcher.stats()));
      assert.equal(await dead.dispatcher.close(20_000), true);
      const s = dead.dispatcher.stats();
      assert.equal(s.sent, 0);
      assert.equal(s.failed + s.dropped, 1010);
    } finally {
      await rx.close();
    }
  });
});
