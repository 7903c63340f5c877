import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseTwToken } from '@tokenwarden/core';
import { runCodeFlow } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

describe('secrets at rest and API keys', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('leaves no issued secret in the database files (main file and WAL)', async () => {
    const password = 'correct horse battery staple';
    await h.service.admin.createUser({ login: 'dump-user', password });
    const session = await runCodeFlow(h, { login: 'dump-user', password });
    const client = await h.service.admin.createClient({ name: 'dump', grantTypes: ['client_credentials'], scopes: ['read'] });
    const key = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'] });
    const sa = await h.service.admin.createServiceAccount({ name: 'exporter', owner: 'ops', scopes: ['export:read'] });
    const canary = await h.service.admin.createCanary({ format: 'refresh_token', label: 'bucket' });
    const secrets = [
      ['password', password],
      ['refresh token', session.tokens.refresh_token as string],
      ['client secret', client.client_secret as string],
      ['api key', key.key],
      ['api key random part', key.key.slice(5, 37)],
      ['service account token', sa.key],
      ['canary', canary.value],
    ] as const;
    const files = readdirSync(h.dataDir).filter((f) => f.startsWith('tokenwarden.db'));
    assert.ok(files.length > 0);
    const dump = Buffer.concat(files.map((f) => readFileSync(join(h.dataDir, f))));
    for (const [what, value] of secrets) assert.equal(dump.indexOf(value), -1, `${what} found in the database`);
    // ...while the pepper that keys the hashes lives outside it.
    const pepper = readFileSync(join(h.dataDir, 'secrets', 'pepper'), 'utf8').trim();
    assert.equal(dump.indexOf(pepper), -1);
  });

  it('mints tw_k_ keys that pass the offline checksum and rejects typos without a lookup', async () => {
    const key = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read', 'write'], ttlMs: 3600_000, cidr: ['10.0.0.0/8'] });
    assert.ok(parseTwToken(key.key));
    const record = await h.service.view.findKey(key.key);
    assert.equal(record?.id, key.id);
    assert.deepEqual(record?.scopes, ['read', 'write']);
    assert.deepEqual(record?.audience, [h.service.view.defaultAudience]);
    assert.deepEqual(record?.cidr_allowlist, ['10.0.0.0/8']);
    assert.ok(Date.parse(record?.expires_at as string) <= Date.now() + 3600_000);
    const last = key.key.at(-1) === 'a' ? 'b' : 'a';
    const typo = key.key.slice(0, -1) + last;
    assert.equal(parseTwToken(typo), undefined);
    assert.equal(await h.service.view.findKey(typo), undefined);
    await h.service.view.recordKeyUse(key.id, new Date('2026-01-01T00:00:00Z'), '10.1.2.3');
    const used = await h.service.view.findKey(key.key);
    assert.equal(used?.last_used_ip, '10.1.2.3');
  });

  it('defaults keys to 90 days and refuses a lifetime past the maximum', async () => {
    const key = await h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'] });
    const days = (Date.parse(key.record.expires_at as string) - Date.now()) / 86_400_000;
    assert.ok(days > 89.9 && days <= 90, String(days));
    await assert.rejects(h.service.admin.createApiKey({ subject: 'ci', scopes: ['read'], ttlMs: 400 * 86_400_000 }), /lifetime/);
  });

  it('rotates service-account tokens with an overlap in which both work, then the old one dies', async () => {
    const sa = await h.service.admin.createServiceAccount({
      name: 'nightly',
      owner: 'alice',
      scopes: ['export:read'],
      tokenLifetimeMs: 30 * 86_400_000,
      rotationIntervalMs: 7 * 86_400_000,
      overlapMs: 3_000,
      // Scheduled rotation runs only for an account whose new tokens reach someone.
      deliverTo: join(h.dataDir, 'nightly.token'),
    });
    assert.ok(sa.key.startsWith('tw_s_'));
    const next = await h.service.admin.rotateServiceAccount('nightly');
    assert.equal((await h.service.view.findKey(sa.key))?.status, 'active', 'old works during the overlap');
    assert.equal((await h.service.view.findKey(next.key))?.status, 'active');
    const due = await h.service.admin.rotateDue(new Date(Date.now() + 8 * 86_400_000));
    assert.ok(
      due.some((d) => d.service_account_id === sa.service_account_id),
      'scheduled rotation is due after the interval',
    );
    await new Promise((r) => setTimeout(r, 3_100));
    assert.equal((await h.service.view.findKey(sa.key))?.status, 'rotated', 'old one dies after the overlap');
  });

  it('reports any use of a canary as a critical event and grants nothing', async () => {
    for (const format of ['api_key', 'service_account_token', 'refresh_token', 'access_token'] as const) {
      const canary = await h.service.admin.createCanary({ format, label: `planted-${format}` });
      const result = await h.service.view.introspect(canary.value);
      assert.equal(result.active, false, format);
      const event = h.events.find((e) => e.type === 'canary.used' && e.credential_id === canary.id);
      assert.ok(event, `canary.used for ${format}`);
      assert.equal((event.details as { severity: string }).severity, 'critical');
    }
    const keyCanary = await h.service.admin.createCanary({ format: 'api_key', label: 'x' });
    assert.equal((await h.service.view.findKey(keyCanary.value))?.canary, true);
    assert.equal(keyCanary.value.length, 43);
  });

  it('records lineage transitively', async () => {
    const root = await h.service.admin.createApiKey({ subject: 'admin-bot', scopes: ['admin'] });
    const child = await h.service.admin.createApiKey({ subject: 'x', scopes: ['read'], createdByCredentialId: root.id });
    const grandchild = await h.service.admin.createClient({
      name: 'spawned',
      grantTypes: ['client_credentials'],
      createdByCredentialId: child.id,
    });
    const user = await h.service.admin.createUser({
      login: 'spawned-user',
      password: 'correct horse battery',
      createdByCredentialId: root.id,
    });
    const lineage = await h.service.admin.lineage(root.id);
    assert.deepEqual(
      lineage.map((l) => [l.entity_id, l.depth]).sort(),
      [
        [child.id, 1],
        [grandchild.client_id, 2],
        [user.id, 1],
      ].sort(),
    );
  });
});
