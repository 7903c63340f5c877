import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { storeMigrations } from '@tokenwarden/store';
import { DEFAULT_ISSUER, openTokenService, type TokenService, tokenServiceMigrations } from '@tokenwarden/token-service';
import { parseGatewayConfig } from '../../src/gateway-config.js';
import { GatewayGuard } from '../../src/gateway-guard.js';
import { gatewayMigrations } from '../../src/migrations.js';
import { statusOf } from '../support/guard-harness.js';

// A suspended key must be refused by a gateway at once, although the gateway cached the key's
// "active" lookup for 30 s a moment earlier: suspension travels through the revocation log.
describe('suspending an API key reaches the gateway through the revocation log', () => {
  let dataDir: string;
  let service: TokenService;
  let guard: GatewayGuard;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-gw-suspend-'));
    service = await openTokenService({
      dataDir,
      issuer: DEFAULT_ISSUER,
      migrations: [...storeMigrations, ...tokenServiceMigrations, ...gatewayMigrations],
      keyRefreshMs: 0,
    });
    guard = new GatewayGuard({
      source: service.view,
      config: parseGatewayConfig({ rate_limit: false, revocation: { poll_ms: 20, resync_ms: 1000 } }),
    });
    await guard.start();
  });

  after(async () => {
    await guard.close();
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const status = async (key: string): Promise<number> =>
    statusOf(
      await guard.check({
        method: 'GET',
        target: '/probe',
        headers: { host: 'api.test', authorization: `Bearer ${key}` },
        peer: '127.0.0.1',
        encrypted: false,
      }),
    );

  /** Polls until the gateway answers `want`; returns the time it took. */
  const until = async (key: string, want: number, withinMs: number): Promise<number> => {
    const start = Date.now();
    for (;;) {
      guard.wakeRevocations();
      const s = await status(key);
      if (s === want) return Date.now() - start;
      if (Date.now() - start > withinMs) assert.fail(`gateway still answers ${s}, not ${want}, after ${withinMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('refuses a suspended key within a poll interval, and admits it again after reinstatement', async () => {
    const minted = await service.admin.createApiKey({ subject: 'svc-suspend', scopes: ['read'] });
    assert.equal(await status(minted.key), 200, 'a fresh key is admitted (and its lookup cached for 30 s)');

    assert.equal(await service.admin.suspend(minted.id, { actor: 'test', reason: 'investigation' }), true);
    const entry = (await service.view.revocationsSince(0)).find((e) => e.kind === 'key' && e.value === minted.id);
    assert.ok(entry, 'the suspension is in the revocation log');
    const tookMs = await until(minted.key, 401, 2_000);
    assert.ok(tookMs < 2_000, `refused after ${tookMs} ms, long before the 30 s key cache expires`);
    assert.equal(await status(minted.key), 401, 'and stays refused');

    assert.equal(await service.admin.reinstate(minted.id, { actor: 'test' }), true);
    const gone = (await service.view.revocationsSince(0)).find((e) => e.kind === 'key' && e.value === minted.id);
    assert.equal(gone, undefined, 'reinstatement removes the suspension entry');
    // Followers drop a removed entry at their next full resync (1 s here).
    await until(minted.key, 200, 5_000);
  });

  it('a revoked key stays refused even if it was suspended first (reinstating a revoked key is refused)', async () => {
    const minted = await service.admin.createApiKey({ subject: 'svc-suspend-2', scopes: ['read'] });
    assert.equal(await status(minted.key), 200);
    assert.equal(await service.admin.suspend(minted.id, { actor: 'test' }), true);
    await service.admin.revoke(minted.id, { actor: 'test', reason: 'leaked' });
    assert.equal(await service.admin.reinstate(minted.id, { actor: 'test' }), false, 'a revoked key cannot be reinstated');
    assert.ok((await service.view.revocationsSince(0)).some((e) => e.kind === 'key' && e.value === minted.id));
    await until(minted.key, 401, 2_000);
    // Past a full resync it is still refused.
    await new Promise((r) => setTimeout(r, 1_300));
    assert.equal(await status(minted.key), 401);
  });
});
