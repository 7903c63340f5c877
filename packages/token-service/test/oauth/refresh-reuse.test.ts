import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { type CodeFlowSession, refresh, runCodeFlow } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

const invalidGrant = (e: unknown): boolean => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant';

describe('refresh-token reuse detection', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const reuseEvents = (grantId: string | undefined) =>
    h.events.filter((e) => e.type === 'refresh_token.reuse_detected' && (grantId === undefined || e.grant_id === grantId));

  const rotatedPublicSession = async (): Promise<{ s: CodeFlowSession; old: string; live: string; grantId: string }> => {
    const s = await runCodeFlow(h, { public: true });
    const old = s.tokens.refresh_token as string;
    const next = await refresh(h, s, old);
    const payload = JSON.parse(Buffer.from(next.access_token.split('.')[1] as string, 'base64url').toString()) as { tw_gid: string };
    return { s, old, live: next.refresh_token as string, grantId: payload.tw_gid };
  };

  it('ends the family when a consumed DPoP-bound refresh token comes with another key', async () => {
    const { s, old, live, grantId } = await rotatedPublicSession();
    const thief = { ...s, DPoP: oauth.DPoP(s.client, await oauth.generateKeyPair('ES256')) };
    await assert.rejects(refresh(h, thief, old), invalidGrant);
    await assert.rejects(refresh(h, s, live), invalidGrant, 'the live successor died with its family');
    const events = reuseEvents(grantId);
    assert.equal(events.length, 1);
    assert.match(events[0]?.credential_id ?? '', /^rt_/);
    assert.equal(events[0]?.source_ip, '127.0.0.1');
  });

  it('ends the family when a consumed DPoP-bound refresh token comes with no proof at all', async () => {
    const { s, old, live, grantId } = await rotatedPublicSession();
    const bare = { ...s };
    delete bare.DPoP;
    await assert.rejects(refresh(h, bare, old), invalidGrant);
    await assert.rejects(refresh(h, s, live), invalidGrant);
    assert.equal(reuseEvents(grantId).length, 1);
  });

  it('still refuses a live DPoP-bound refresh token without its key, and leaves it usable', async () => {
    const { s, live, grantId } = await rotatedPublicSession();
    const thief = { ...s, DPoP: oauth.DPoP(s.client, await oauth.generateKeyPair('ES256')) };
    await assert.rejects(refresh(h, thief, live), invalidGrant);
    assert.ok((await refresh(h, s, live)).refresh_token);
    assert.equal(reuseEvents(grantId).length, 0);
  });

  it('reports a 20-way refresh race once', async () => {
    const s = await runCodeFlow(h);
    const before = reuseEvents(undefined).length;
    const token = s.tokens.refresh_token as string;
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => refresh(h, s, token)));
    assert.ok(results.some((r) => r.status === 'rejected'));
    assert.equal(reuseEvents(undefined).length - before, 1);
  });

  it('takes a refresh that loses to a revocation for a revocation, not a reuse', async () => {
    // The race RFC 7009 revocation vs. refresh, made deterministic: the refresh found the token live,
    // then the revocation deleted the family before the refresh consumed it.
    const s = await runCodeFlow(h);
    const token = s.tokens.refresh_token as string;
    const adapter = (h.service.provider().RefreshToken as unknown as { adapter: { consume(id: string): Promise<void> } }).adapter;
    await h.service.admin.revoke(token);
    await assert.rejects(adapter.consume(token), (e: unknown) => (e as { error_detail?: string }).error_detail === 'refresh token revoked');
  });
});
