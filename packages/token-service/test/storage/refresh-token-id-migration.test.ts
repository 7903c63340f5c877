import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { forEachDialect } from '@tokenwarden/store/testing';
import type { Kysely } from 'kysely';
import { opaqueTokenId } from '../../src/oauth/provider-events.js';
import { findRefreshFamily } from '../../src/storage/grant-store.js';
import { tokenServiceMigrations } from '../../src/storage/migrations.js';
import { typed } from '../../src/storage/schema.js';
import { loadServiceSecrets } from '../../src/storage/sealing.js';

const BEFORE = tokenServiceMigrations.filter((m) => m.name < 'token-service-0005');
const migration = tokenServiceMigrations.find((m) => m.name === 'token-service-0005-refresh-token-ids');

// Refresh tokens saved before the rt_ id was kept on their row must be revocable by that id too:
// the migration derives it from the row key, which is the same keyed hash of the token.
forEachDialect(
  'migration token-service-0005 on a store with refresh tokens',
  (t) => {
    it('gives each stored refresh token the rt_ id its events named it by, and nothing else an id', async () => {
      assert.ok(migration);
      const dir = mkdtempSync(join(tmpdir(), 'tw-rt-migration-'));
      try {
        const secrets = loadServiceSecrets(dir);
        const db = t().database.db;
        const now = Math.floor(Date.now() / 1000);
        const row = (model: string, id: string, grantId: string | null) => ({
          id_hash: secrets.hash(`${model}:${id}`),
          model,
          grant_id: grantId,
          account_id: 'usr_1',
          client_id: 'cl_1',
          uid_hash: null,
          user_code_hash: null,
          payload: 'sealed',
          expires_at: now + 3600,
          consumed_at: null,
          created_at: new Date().toISOString(),
        });
        // Written as the adapter did before the migration (no token_id column yet).
        await (db as unknown as Kysely<{ ts_artifacts: Record<string, unknown> }>)
          .insertInto('ts_artifacts')
          .values([
            row('RefreshToken', 'refresh-value-1', 'grant_1'),
            row('Session', 'session-1', null),
            row('AccessToken', 'at-1', 'grant_1'),
          ])
          .execute();
        await migration.up(db, t().dialect);
        const id = opaqueTokenId(secrets, 'RefreshToken', 'refresh-value-1');
        assert.equal(await findRefreshFamily(typed(db), id), 'grant_1');
        const ids = await typed(db).selectFrom('ts_artifacts').select(['model', 'token_id']).orderBy('model').execute();
        assert.deepEqual(ids, [
          { model: 'AccessToken', token_id: null },
          { model: 'RefreshToken', token_id: id },
          { model: 'Session', token_id: null },
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
  { migrations: BEFORE },
);
