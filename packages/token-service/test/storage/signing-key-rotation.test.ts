import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '@tokenwarden/store';
import { decodeProtectedHeader } from 'jose';
import { MAX_ACCESS_TOKEN_TTL_S } from '../../src/storage/grant-store.js';
import { tokenServiceMigrations } from '../../src/storage/migrations.js';
import { loadServiceSecrets, type ServiceSecrets } from '../../src/storage/sealing.js';
import { listSigningKeys, loadSigningKeys, rotateSigningKey } from '../../src/storage/signing-keys.js';
import { startHarness } from '../support/harness.js';

const kids = (keys: { kid?: string }[]): string[] => keys.map((k) => k.kid as string).sort();

// The rotation contract: a new key is in the JWKS before it signs anything, and the old key stays
// in the JWKS until the last token it signed has expired (the longest access-token lifetime).
describe('signing-key rotation schedule', () => {
  let dataDir: string;
  let database: Database;
  let secrets: ServiceSecrets;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-keys-rot-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir, migrations: tokenServiceMigrations });
    secrets = loadServiceSecrets(dataDir);
  });
  after(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes the new key before it signs, and keeps the old one until its tokens have expired', async () => {
    const t0 = new Date('2026-01-01T00:00:00.000Z');
    const first = await loadSigningKeys(database, secrets, t0);
    const old = first.currentKid;
    const lead = 10 * 60_000;
    const fresh = await rotateSigningKey(database, secrets, { publishLeadMs: lead, now: t0 });
    const at = (ms: number) => new Date(t0.getTime() + ms);

    const published = await loadSigningKeys(database, secrets, at(1000));
    assert.equal(published.currentKid, old, 'the old key still signs during the lead time');
    assert.deepEqual(kids(published.publicJwks), [fresh, old].sort(), 'the new key is published at once');
    assert.notEqual(published.version, first.version, 'services see a new key set and rebuild');

    const switched = await loadSigningKeys(database, secrets, at(lead + 1000));
    assert.equal(switched.currentKid, fresh, 'the new key signs after the lead time');
    assert.deepEqual(kids(switched.publicJwks), [fresh, old].sort(), 'the old key stays published for verification');
    assert.equal(switched.privateJwks[0]?.kid, fresh, 'the signing key comes first for the provider');

    const lastOldToken = at(lead - 1 + MAX_ACCESS_TOKEN_TTL_S * 1000);
    assert.ok(
      kids((await loadSigningKeys(database, secrets, lastOldToken)).publicJwks).includes(old),
      'old key published until its last token expires',
    );
    const afterwards = await loadSigningKeys(database, secrets, at(lead + MAX_ACCESS_TOKEN_TTL_S * 1000 + 1000));
    assert.deepEqual(kids(afterwards.publicJwks), [fresh], 'then it leaves the JWKS');

    const states = await listSigningKeys(database, at(1000));
    assert.deepEqual(
      states.map((k) => [k.kid, k.state]),
      [
        [fresh, 'next'],
        [old, 'current'],
      ],
    );
    assert.equal(states[1]?.retires_at, at(lead).toISOString());
    assert.equal(states[1]?.expires_at, at(lead + MAX_ACCESS_TOKEN_TTL_S * 1000).toISOString());
  });
});

describe('signing-key rotation on a running service', () => {
  it('keeps signing with the current key while the next one is already in the JWKS endpoint', async () => {
    const h = await startHarness();
    try {
      const before = (await h.service.view.jwks()).keys.map((k) => k.kid);
      assert.equal(before.length, 1);
      const fresh = await h.service.admin.rotateSigningKey(10 * 60_000);
      const jwks = (await (await fetch(`${h.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
      assert.deepEqual(kids(jwks.keys), [fresh, before[0] as string].sort(), 'GET /jwks publishes both keys');
      const client = await h.service.admin.createClient({ name: 'rot', grantTypes: ['client_credentials'], scopes: ['read'] });
      const res = await fetch(`${h.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials&scope=read',
      });
      assert.equal(res.status, 200);
      const { access_token } = (await res.json()) as { access_token: string };
      assert.equal(decodeProtectedHeader(access_token).kid, before[0], 'tokens are still signed by the old key');
    } finally {
      await h.close();
    }
  });
});
