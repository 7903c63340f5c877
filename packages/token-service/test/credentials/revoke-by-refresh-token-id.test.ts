import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LifecycleEvent } from '@tokenwarden/core';
import { openTestDatabase, SKIP_PG, TEST_DIALECTS, type TestDatabase } from '@tokenwarden/store/testing';
import { decodeJwt } from 'jose';
import { sql } from 'kysely';
import * as oauth from 'oauth4webapi';
import { runCli } from '../../../cli/test/support/run-cli.js';
import { tokenServiceMigrations } from '../../src/storage/migrations.js';
import { typed } from '../../src/storage/schema.js';
import { type CodeFlowSession, refresh, runCodeFlow } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

const isNotFound = (e: Error & { code?: string }): boolean => e.code === 'TW_NOT_FOUND';
const refused = (e: unknown): boolean => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant';

/** The grant (family) of a session, as its access token carries it. */
const grantOf = (s: CodeFlowSession): string => (decodeJwt(s.tokens.access_token) as { tw_gid: string }).tw_gid;

/** The `rt_` ids events gave the family's refresh tokens, oldest first. */
const refreshIds = (events: LifecycleEvent[], grantId: string): string[] =>
  events
    .filter((e) => e.type === 'token.issued' && e.credential_kind === 'refresh_token' && e.grant_id === grantId)
    .map((e) => e.credential_id as string);

// Events, alerts and incidents name a refresh token by its rt_ id (a keyed hash of the token; the
// value is stored nowhere), so response must be able to revoke the token's whole family by that id,
// from the CLI and the response API alike (both call admin.revoke), and on either store.
for (const dialect of TEST_DIALECTS) {
  describe(`revoking a refresh-token family by its rt_ id [${dialect}]`, {
    skip: dialect === 'postgres' && SKIP_PG ? 'TOKENWARDEN_SKIP_PG=1' : false,
  }, () => {
    let store: TestDatabase;
    let h: Harness;
    before(async () => {
      store = await openTestDatabase(dialect, tokenServiceMigrations);
      h = await startHarness({ database: store.database });
    });
    after(async () => {
      await h.close();
      await store.dispose();
    });
    const lastSeq = async (): Promise<number> => (await h.service.view.revocationsSince(0)).at(-1)?.seq ?? 0;

    it('revokes the whole family, as revoking the refresh token itself does', async () => {
      const s = await runCodeFlow(h);
      const grantId = grantOf(s);
      const [id] = refreshIds(h.events, grantId);
      assert.match(id ?? '', /^rt_[A-Za-z0-9_-]{22}$/);
      const seq = await lastSeq();

      const result = await h.service.admin.revoke(id as string, { actor: 'test', reason: 'alert on this token' });
      assert.deepEqual(result, { revoked: 'refresh_token_family', id });
      await assert.rejects(refresh(h, s, s.tokens.refresh_token as string), refused);
      assert.equal((await h.service.view.introspect(s.tokens.access_token)).active, false, 'its access tokens die at the gateway too');
      assert.deepEqual(
        (await h.service.view.revocationsSince(seq)).map((r) => [r.kind, r.value]),
        [['grant', grantId]],
      );
      assert.ok(h.events.some((e) => e.type === 'token.revoked' && e.credential_id === id && e.credential_kind === 'refresh_token'));

      // The value and the id name the same token: revoking another family by value answers its rt_ id.
      const other = await runCodeFlow(h);
      const byValue = await h.service.admin.revoke(other.tokens.refresh_token as string, { actor: 'test' });
      assert.deepEqual(byValue, { revoked: 'refresh_token_family', id: refreshIds(h.events, grantOf(other))[0] });
    });

    it('revokes the family by the id of any of its tokens, rotated ones included', async () => {
      const s = await runCodeFlow(h);
      const second = await refresh(h, s, s.tokens.refresh_token as string);
      const third = await refresh(h, s, second.refresh_token as string);
      const ids = refreshIds(h.events, grantOf(s));
      assert.equal(ids.length, 3, 'one id per token of the family');
      assert.equal(new Set(ids).size, 3);
      const result = await h.service.admin.revoke(ids[0] as string, { actor: 'test', reason: 'reuse of an old token' });
      assert.deepEqual(result, { revoked: 'refresh_token_family', id: ids[0] });
      await assert.rejects(refresh(h, s, third.refresh_token as string), refused, 'the latest token of the family is dead');
      assert.equal((await h.service.view.introspect(third.access_token)).active, false);
    });

    it('answers TW_NOT_FOUND for an unknown, expired or already revoked id, and writes nothing', async () => {
      const s = await runCodeFlow(h);
      const [id] = refreshIds(h.events, grantOf(s)) as [string];
      // The token's row says it expired (the sweep keeps such rows a day, for late-reuse detection).
      await typed(store.database.db)
        .updateTable('ts_artifacts')
        .set({ expires_at: Math.floor(Date.now() / 1000) - 10 })
        .where('token_id', '=', id)
        .execute();
      const revoked = await runCodeFlow(h);
      const [revokedId] = refreshIds(h.events, grantOf(revoked)) as [string];
      await h.service.admin.revoke(revokedId, { actor: 'test' });
      const seq = await lastSeq();
      for (const unknown of [`rt_${randomBytes(16).toString('base64url').slice(0, 22)}`, id, revokedId]) {
        await assert.rejects(h.service.admin.revoke(unknown, { actor: 'test' }), isNotFound, unknown);
      }
      assert.equal((await h.service.view.revocationsSince(seq)).length, 0);
    });

    if (dialect === 'sqlite') {
      it('finds the family through an index, not a scan of every token', async () => {
        const plan = await sql<{
          detail: string;
        }>`explain query plan select grant_id from ts_artifacts where token_id = ${'rt_x'} and model = 'RefreshToken'`.execute(
          store.database.db,
        );
        assert.ok(
          plan.rows.some((r) => r.detail.includes('ts_artifacts_token')),
          JSON.stringify(plan.rows),
        );
      });
    }
  });
}

describe('tokenwarden revoke rt_...', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('revokes the family from another process while the service runs', async () => {
    const s = await runCodeFlow(h);
    const [id] = refreshIds(h.events, grantOf(s)) as [string];
    const run = await runCli(['revoke', id, '--data', h.dataDir, '--json', '--reason', 'alert on this token']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { revoked: 'refresh_token_family', id });
    await assert.rejects(refresh(h, s, s.tokens.refresh_token as string), refused);
  });
});
