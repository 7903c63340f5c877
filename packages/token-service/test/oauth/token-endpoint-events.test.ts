import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { basicAuth } from '../support/client-requests.js';
import { refresh, runCodeFlow } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

// The token endpoint answers a missing DPoP proof, a refresh token presented without its key and an
// expired refresh token with the same opaque invalid_grant; each must still reach the event bus
// (dpop.failure, token.expired) with the request's context, for detection to see it.
describe('security events of refused token requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const since = (n: number, type: string) => h.events.slice(n).filter((e) => e.type === type);

  it('reports a DPoP client calling client_credentials without a proof', async () => {
    const c = await h.service.admin.createClient({ name: 'dp', grantTypes: ['client_credentials'], dpop: true, scopes: ['read'] });
    const n = h.events.length;
    const res = await fetch(`${h.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth({ id: c.client_id, secret: c.client_secret as string }),
      },
      body: 'grant_type=client_credentials&scope=read',
    });
    assert.equal(res.status, 400);
    const failures = since(n, 'dpop.failure');
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.client_id, c.client_id);
    assert.match(failures[0]?.reason ?? '', /no DPoP proof/);
    assert.equal(failures[0]?.source_ip, '127.0.0.1');
  });

  it('reports a live DPoP-bound refresh token presented with another key or with none', async () => {
    const s = await runCodeFlow(h, { public: true });
    const token = s.tokens.refresh_token as string;
    const n = h.events.length;
    const thief = { ...s, DPoP: oauth.DPoP(s.client, await oauth.generateKeyPair('ES256')) };
    await assert.rejects(refresh(h, thief, token));
    const bare = { ...s };
    delete bare.DPoP;
    await assert.rejects(refresh(h, bare, token));
    const failures = since(n, 'dpop.failure');
    assert.equal(failures.length, 2);
    for (const f of failures) {
      assert.equal(f.client_id, s.client.client_id);
      assert.match(f.credential_id ?? '', /^rt_/);
    }
  });
});

describe('security events of an expired refresh token presented', () => {
  let h: Harness;
  before(async () => {
    // Refresh tokens idle out after 1 s, so expiry can be tested (its own service: the DPoP cases
    // above must not race that second on a loaded machine).
    h = await startHarness({ settings: { refreshIdleTtlS: 1 } });
  });
  after(() => h.close());

  const since = (n: number, type: string) => h.events.slice(n).filter((e) => e.type === type);

  it('reports an expired refresh token presented', async () => {
    const s = await runCodeFlow(h);
    await new Promise((r) => setTimeout(r, 2_100));
    const n = h.events.length;
    await assert.rejects(
      refresh(h, s, s.tokens.refresh_token as string),
      (e: unknown) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant',
    );
    const expired = since(n, 'token.expired');
    assert.equal(expired.length, 1);
    assert.equal(expired[0]?.credential_kind, 'refresh_token');
    assert.match(expired[0]?.credential_id ?? '', /^rt_/);
    assert.equal(expired[0]?.client_id, s.client.client_id);
  });
});
