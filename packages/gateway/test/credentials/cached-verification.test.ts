import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { CredentialVerifier } from '../../src/credential-verifier.js';
import type { GuardDecision } from '../../src/gateway-guard.js';
import { FakeCredentialSource } from '../support/fake-credential-source.js';
import { guardHarness, statusOf } from '../support/guard-harness.js';

// A cached verification saves the signature check only: every request still checks expiry,
// revocation, audience and scopes against the cached claims, and only the very same token string
// is a hit.
describe('cached JWT verifications', () => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  before(async () => {
    h = await guardHarness({
      // A view that stays fresh while the mocked clock jumps: the decision stays on the synchronous path.
      revocation: { staleness_ms: 600_000 },
      routes: [
        { path: '/other-api/**', scopes: ['echo.read'], audience: 'https://other.test' },
        { path: '/admin/**', scopes: ['echo.admin'] },
        { path: '/**', scopes: ['echo.read'] },
      ],
    });
  });
  after(async () => {
    await h.guard.close();
  });

  const decide = (token: string, target = '/items') =>
    h.guard.decide({
      method: 'GET',
      target,
      headers: { host: 'api.test', authorization: `Bearer ${token}` },
      peer: '127.0.0.1',
      encrypted: false,
    });
  const cachedDecision = (token: string, target?: string): GuardDecision => {
    const d = decide(token, target);
    assert.ok(!(d instanceof Promise), 'answered from the cached verification');
    return d;
  };
  const reasonOf = (d: GuardDecision) => (d.allow ? undefined : d.refusal.reason);
  const revoke = async (kind: Parameters<typeof h.source.revoke>[0], value: string) => {
    h.source.revoke(kind, value);
    h.guard.wakeRevocations();
    await new Promise((r) => setTimeout(r, 20));
  };

  it('refuses a cached token once its exp has passed, without verifying it again', async (t) => {
    const now = Math.floor(Date.now() / 1000);
    // exp 10 s from now: the cache keeps the verification (by the monotonic clock) while the wall clock jumps past exp.
    const { token } = await h.source.issueJwt({ iat: now - 590, expiresIn: 600 });
    assert.equal(statusOf(await decide(token)), 200);
    assert.equal(statusOf(cachedDecision(token)), 200);
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    t.mock.timers.tick(11_000);
    const expired = cachedDecision(token);
    assert.equal(statusOf(expired), 401);
    assert.match(String(reasonOf(expired)), /credential expired/);
    mock.timers.reset();
  });

  it('refuses a cached token as soon as its jti, grant, client or subject is revoked', async () => {
    const byJti = await h.source.issueJwt();
    const byGrant = await h.source.issueJwt({ grantId: 'grant_cached_1' });
    const byClient = await h.source.issueJwt({ clientId: 'client_cached_1' });
    const bySubject = await h.source.issueJwt({ sub: 'user_cached_1' });
    const cases: [typeof byJti, Parameters<typeof h.source.revoke>[0], string][] = [
      [byJti, 'jti', byJti.jti],
      [byGrant, 'grant', 'grant_cached_1'],
      [byClient, 'client', 'client_cached_1'],
      [bySubject, 'subject', 'user_cached_1'],
    ];
    for (const [issued, kind, value] of cases) {
      assert.equal(statusOf(await decide(issued.token)), 200, kind);
      assert.equal(statusOf(cachedDecision(issued.token)), 200, kind);
      await revoke(kind, value);
      const d = await decide(issued.token);
      assert.equal(statusOf(d), 401, kind);
      assert.equal(reasonOf(d), `revoked by ${kind}`);
    }
  });

  it('still checks the audience and scopes of each route against a cached token', async () => {
    const { token } = await h.source.issueJwt({ scope: 'echo.read' });
    assert.equal(statusOf(await decide(token)), 200);
    assert.equal(statusOf(cachedDecision(token)), 200);
    const otherAudience = cachedDecision(token, '/other-api/x');
    assert.equal(statusOf(otherAudience), 401);
    assert.match(String(reasonOf(otherAudience)), /audience/);
    assert.equal(statusOf(cachedDecision(token, '/admin/users')), 403);
  });

  it('vouches for the exact token only: a token differing anywhere is verified on its own', async () => {
    const { token } = await h.source.issueJwt({ scope: 'echo.read' });
    assert.equal(statusOf(await decide(token)), 200);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flip = (s: string, i: number) => `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    const variants = [
      // Not the last character: its low bits are padding, so some flips there decode to the very same signature.
      `${header}.${payload}.${flip(signature, signature.length - 3)}`,
      `${header}.${payload}.${flip(signature, 0)}`,
      `${header}.${flip(payload, 10)}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}`,
      `${header}.${payload}.${signature}AA`,
    ];
    for (const v of variants) assert.equal(statusOf(await decide(v)), 401, v);
    // ...and none of them displaced the genuine entry.
    assert.equal(statusOf(cachedDecision(token)), 200);
  });
});

describe('the verification cache bound', () => {
  it('keeps at most maxEntries verifications, evicting the least recently used', async () => {
    const source = await FakeCredentialSource.create();
    const verifier = new CredentialVerifier(source, { jwtAlgorithms: ['EdDSA'], maxEntries: 2 });
    const tokens = await Promise.all([1, 2, 3].map(async () => (await source.issueJwt()).token));
    for (const t of tokens) assert.ok((await verifier.verify(t)).ok);
    const cached = (t: string) => verifier.peek(t, verifier.keyOf(t)) !== undefined;
    assert.deepEqual(tokens.map(cached), [false, true, true]);
    const keys = [source.createKey().raw, source.createKey().raw, source.createKey().raw];
    const lookups = source.calls.findKey;
    for (const k of keys) assert.ok((await verifier.verify(k)).ok);
    assert.ok((await verifier.verify(keys[0] as string)).ok, 'evicted, looked up again');
    assert.equal(source.calls.findKey, lookups + 4);
    assert.ok((await verifier.verify(keys[0] as string)).ok);
    assert.equal(source.calls.findKey, lookups + 4, 'cached again');
  });
});
