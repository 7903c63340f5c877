import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openTokenService } from '../../src/index.js';

// `keys create` before the first `serve` ran with the fallback issuer and stored its default
// audience (http://127.0.0.1:8080/api) in the key: the gateway of the real service then refused it.
// A key created without an audience follows the service's default audience when it is used.
describe('API keys created without an audience', () => {
  it('carry the default audience of the service that reads them, not of the one that created them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tw-aud-'));
    try {
      const early = await openTokenService({ dataDir, issuer: 'http://127.0.0.1:8080', keyRefreshMs: 0 });
      const key = await early.admin.createApiKey({ subject: 'alice', scopes: ['read'] });
      const pinned = await early.admin.createApiKey({ subject: 'bob', scopes: ['read'], audience: ['https://pinned.example.test'] });
      const sa = await early.admin.createServiceAccount({ name: 'export', owner: 'team-a', scopes: ['read'] });
      assert.deepEqual(key.record.audience, ['http://127.0.0.1:8080/api']);
      await early.close();

      const later = await openTokenService({ dataDir, issuer: 'http://127.0.0.1:19300', keyRefreshMs: 0 });
      try {
        assert.deepEqual((await later.view.findKey(key.key))?.audience, ['http://127.0.0.1:19300/api']);
        assert.deepEqual((await later.view.introspect(key.key)).aud, ['http://127.0.0.1:19300/api']);
        assert.deepEqual((await later.view.findKey(sa.key))?.audience, ['http://127.0.0.1:19300/api']);
        assert.deepEqual((await later.view.findKey(pinned.key))?.audience, ['https://pinned.example.test'], 'an explicit audience stays');
        const rotated = await later.admin.rotateServiceAccount('export');
        assert.deepEqual((await later.view.findKey(rotated.key))?.audience, ['http://127.0.0.1:19300/api']);
      } finally {
        await later.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
