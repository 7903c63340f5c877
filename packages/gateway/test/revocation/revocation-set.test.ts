import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RevocationSet } from '../../src/revocation-set.js';
import { RevocationSync } from '../../src/revocation-sync.js';
import type { VerifiedCredential } from '../../src/verified-credential.js';
import { FakeCredentialSource } from '../support/fake-credential-source.js';

const jwt = (over: Partial<VerifiedCredential> = {}): VerifiedCredential => ({
  kind: 'jwt',
  id: 'jti_1',
  subject: 'u1',
  clientId: 'c1',
  grantId: 'g1',
  scopes: [],
  audience: [],
  canary: false,
  issuedAt: Date.now() - 1000,
  ...over,
});

describe('RevocationSet', () => {
  it('revokes by jti and key id', () => {
    const set = new RevocationSet();
    set.apply([{ seq: 1, kind: 'jti', value: 'jti_1', revoked_at: new Date().toISOString() }]);
    assert.equal(set.revokedBy(jwt()), 'jti');
    assert.equal(set.revokedBy(jwt({ id: 'jti_2' })), undefined);
    set.apply([{ seq: 2, kind: 'key', value: 'key_1', revoked_at: new Date().toISOString() }]);
    assert.equal(set.revokedBy({ ...jwt(), kind: 'api_key', id: 'key_1' }), 'key');
    assert.equal(set.seq, 2);
  });

  it('a sign-out kills tokens issued before it, not after', () => {
    const set = new RevocationSet();
    const at = Date.now();
    set.apply([{ seq: 1, kind: 'subject', value: 'u1', revoked_at: new Date(at).toISOString() }]);
    assert.equal(set.revokedBy(jwt({ issuedAt: at - 5_000 })), 'subject');
    assert.equal(set.revokedBy(jwt({ issuedAt: at + 5_000 })), undefined);
    set.apply([{ seq: 2, kind: 'subject', value: 'u1', revoked_at: new Date(at + 10_000).toISOString() }]);
    assert.equal(set.revokedBy(jwt({ issuedAt: at + 5_000 })), 'subject');
  });

  it('grant and client revocations apply', () => {
    const set = new RevocationSet();
    set.apply([{ seq: 1, kind: 'grant', value: 'g1', revoked_at: new Date().toISOString() }]);
    assert.equal(set.revokedBy(jwt()), 'grant');
    set.replace([{ seq: 5, kind: 'client', value: 'c1', revoked_at: new Date().toISOString() }]);
    assert.equal(set.revokedBy(jwt()), 'client');
    assert.equal(set.size, 1);
  });
});

describe('RevocationSync', () => {
  it('picks up a revocation within a few poll intervals and tracks staleness', async () => {
    const source = await FakeCredentialSource.create();
    const set = new RevocationSet();
    const sync = new RevocationSync(source, set, { pollMs: 10, resyncMs: 60_000 });
    await sync.start();
    try {
      const t0 = Date.now();
      source.revoke('jti', 'abc');
      while (set.revokedBy(jwt({ id: 'abc', grantId: undefined, clientId: undefined, subject: 'x' })) === undefined) {
        await new Promise((r) => setTimeout(r, 2));
        assert.ok(Date.now() - t0 < 1_000, 'revocation not seen within 1 s');
      }
      const success = sync.lastSuccess;
      source.failRevocations = true;
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(sync.lastSuccess, success, 'failed polls must not refresh lastSuccess');
    } finally {
      sync.stop();
    }
  });
});
