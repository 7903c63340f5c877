import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { guardHarness, statusOf } from '../support/guard-harness.js';

const pinned = {
  routes: [
    { path: '/admin/**', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], scopes: ['echo.admin'] },
    { path: '/health', public: true },
    { path: '/feed/**', scopes: ['echo.read'], allow_query_token: true },
    { path: '/**', scopes: ['echo.read'] },
  ],
};

describe('GatewayGuard', () => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  before(async () => {
    h = await guardHarness(pinned);
  });
  after(async () => {
    await h.guard.close();
  });

  it('admits a valid API key and a valid JWT, with scopes per route', async () => {
    const { raw } = h.source.createKey({ scopes: ['echo.read'] });
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${raw}` })), 200);
    assert.equal(statusOf(await h.check('/items', { 'x-api-key': raw })), 200);
    const admin = await h.check('/admin/users', { authorization: `Bearer ${raw}` });
    assert.equal(statusOf(admin), 403);
    assert.ok(!admin.allow && String(admin.refusal.headers['www-authenticate']).includes('insufficient_scope'));
    const { token } = await h.source.issueJwt({ scope: 'echo.read echo.admin' });
    assert.equal(statusOf(await h.check('/admin/users', { authorization: `Bearer ${token}` })), 200);
  });

  it('normalisation closes path tricks around the admin rule', async () => {
    const { raw } = h.source.createKey({ scopes: ['echo.read'] });
    const auth = { authorization: `Bearer ${raw}` };
    for (const t of ['/public/../admin/x', '/public/%2e%2e/admin/x', '//admin/x', '/ADMIN/x', '/Admin', '/./admin']) {
      assert.equal(statusOf(await h.check(t, auth)), 403, t);
    }
    for (const t of ['/admin%2Fx', '/x/..%5Cadmin']) assert.equal(statusOf(await h.check(t, auth)), 400, t);
  });

  it('401 with a challenge without credential; public routes need none; no route is 403', async () => {
    const d = await h.check('/items');
    assert.equal(statusOf(d), 401);
    assert.ok(!d.allow && (d.refusal.headers['www-authenticate'] as string[]).some((c) => c.startsWith('Bearer realm=')));
    assert.ok(!d.allow && (d.refusal.headers['www-authenticate'] as string[]).some((c) => c.startsWith('DPoP algs=')));
    assert.equal(statusOf(await h.check('/health')), 200);
    const strict = await guardHarness({ routes: [{ path: '/only' }] });
    const { raw } = strict.source.createKey();
    assert.equal(statusOf(await strict.check('/other', { authorization: `Bearer ${raw}` })), 403);
    await strict.guard.close();
  });

  it('refuses query-string tokens unless the route allows them, and reports the exposure', async () => {
    const { raw } = h.source.createKey();
    const before = h.lifecycle.length;
    assert.equal(statusOf(await h.check(`/items?access_token=${raw}`)), 400);
    assert.equal(h.lifecycle[before]?.type, 'token.exposed');
    assert.equal(statusOf(await h.check(`/feed/x?access_token=${raw}`)), 200);
  });

  it('never says why a secret failed', async () => {
    const { raw } = h.source.createKey({ status: 'suspended' });
    const a = await h.check('/items', { authorization: `Bearer ${raw}` });
    const b = await h.check('/items', { authorization: `Bearer tw_k_${'A'.repeat(38)}` });
    const c = await h.check('/items', { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' });
    assert.ok(!a.allow && !b.allow && !c.allow);
    assert.deepEqual(a.refusal.body, b.refusal.body);
    assert.deepEqual(b.refusal.body, c.refusal.body);
    assert.deepEqual(a.refusal.headers, b.refusal.headers);
  });

  it('refuses wrong audience, expired tokens, canaries and a revoked key right after revocation', async () => {
    const wrongAud = await h.source.issueJwt({ aud: 'https://other.test' });
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${wrongAud.token}` })), 401);
    const expired = await h.source.issueJwt({ iat: Math.floor(Date.now() / 1000) - 1000, expiresIn: 10 });
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${expired.token}` })), 401);
    const canary = h.source.createKey({ canary: true });
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${canary.raw}` })), 401);
    assert.ok(h.lifecycle.some((e) => e.type === 'canary.used' && e.credential_id === canary.record.id));
    const { raw, record } = h.source.createKey();
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${raw}` })), 200);
    h.source.revoke('key', record.id);
    h.guard.wakeRevocations();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${raw}` })), 401);
    assert.ok(h.lifecycle.some((e) => e.type === 'token.revoked_use' && e.credential_id === record.id));
  });

  it('decide answers synchronously only from a cached verification, with every check still applied', async () => {
    const { raw, record } = h.source.createKey({ scopes: ['echo.read'] });
    const req = (target: string) => ({
      method: 'GET',
      target,
      headers: { host: 'api.test', authorization: `Bearer ${raw}` },
      peer: '127.0.0.1',
      encrypted: false,
    });
    const first = h.guard.decide(req('/items'));
    assert.ok(first instanceof Promise, 'a credential never seen needs the source');
    assert.equal(statusOf(await first), 200);
    const second = h.guard.decide(req('/items'));
    assert.ok(!(second instanceof Promise), 'a cached verification answers at once');
    assert.equal(statusOf(second), 200);
    // Scopes, routes and paths are still checked on the synchronous path.
    const admin = h.guard.decide(req('/admin/users'));
    assert.ok(!(admin instanceof Promise));
    assert.equal(statusOf(admin), 403);
    assert.equal(statusOf(await h.guard.decide(req('/items/../admin/users'))), 403);
    // So is revocation: the cached verification does not outlive the revocation log.
    h.source.revoke('key', record.id);
    h.guard.wakeRevocations();
    await new Promise((r) => setTimeout(r, 5));
    const revoked = await h.guard.decide(req('/items'));
    assert.equal(statusOf(revoked), 401);
    // A different key with one character changed is not a cache hit: its checksum fails.
    const tampered = `${raw.slice(0, -1)}${raw.endsWith('A') ? 'B' : 'A'}`;
    const bad = await h.guard.decide({ ...req('/items'), headers: { host: 'api.test', authorization: `Bearer ${tampered}` } });
    assert.equal(statusOf(bad), 401);
  });

  it('refuses credentials over plain HTTP from the network, trusts a TLS proxy only if configured', async () => {
    const { raw, record } = h.source.createKey();
    const d = await h.check('/items', { authorization: `Bearer ${raw}` }, { peer: '203.0.113.9' });
    assert.equal(statusOf(d), 403);
    assert.ok(!d.allow && d.refusal.body.error === 'insecure_transport');
    // A challenge (how to authenticate) with no error code, since RFC 6750 has none for the transport.
    const challenges = !d.allow ? (d.refusal.headers['www-authenticate'] as string[]) : [];
    assert.ok(
      challenges.some((c) => c === 'Bearer realm="tokenwarden"'),
      String(challenges),
    );
    assert.ok(h.lifecycle.some((e) => e.type === 'token.exposed' && e.credential_id === record.id));
    // A bad or mistyped credential over clear text gets the same answer: a 401 would tell an eavesdropper which of
    // the tokens it saw still work.
    const bad = await h.check(
      '/items',
      { authorization: `Bearer ${raw.slice(0, -1)}${raw.endsWith('A') ? 'B' : 'A'}` },
      { peer: '203.0.113.9' },
    );
    assert.equal(statusOf(bad), 403);
    assert.deepEqual(!bad.allow && bad.refusal.headers, !d.allow && d.refusal.headers);
    assert.deepEqual(!bad.allow && bad.refusal.body, !d.allow && d.refusal.body);
    const forged = await h.check('/items', { authorization: `Bearer ${raw}`, 'x-forwarded-proto': 'https' }, { peer: '203.0.113.9' });
    assert.equal(statusOf(forged), 403, 'X-Forwarded-Proto from an untrusted peer is ignored');
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${raw}` }, { peer: '203.0.113.9', encrypted: true })), 200);
    const behind = await guardHarness({ trusted_proxies: ['10.0.0.0/8'], rate_limit: false });
    const k = behind.source.createKey();
    const ok = await behind.check(
      '/x',
      { authorization: `Bearer ${k.raw}`, 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.4' },
      { peer: '10.1.1.1' },
    );
    assert.equal(statusOf(ok), 200);
    assert.equal(ok.client.ip, '198.51.100.4');
    await behind.guard.close();
  });

  it('enforces block orders, CIDR allowlists and location policy', async () => {
    const { raw, record } = h.source.createKey({ cidr_allowlist: ['127.0.0.0/8'] });
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${raw}` })), 200);
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${raw}` }, { peer: '198.51.100.1', encrypted: true })), 403);
    h.guard.applyControlOrder({
      id: 'o1',
      time: new Date().toISOString(),
      action: 'block',
      target: { kind: 'credential', id: record.id },
      reason: 'r',
      actor: 't',
    });
    assert.equal(statusOf(await h.check('/items', { authorization: `Bearer ${raw}` })), 403);
    h.guard.applyControlOrder({
      id: 'o2',
      time: new Date().toISOString(),
      action: 'block',
      target: { kind: 'ip', value: '127.0.0.2' },
      reason: 'r',
      actor: 't',
    });
    assert.equal(statusOf(await h.check('/health', {}, { peer: '127.0.0.2' })), 403);
    const geo = await guardHarness({
      rate_limit: false,
      ip_info: [{ cidr: '127.0.0.0/8', country: 'KP' }],
      location: { deny_countries: ['KP'] },
    });
    assert.equal(statusOf(await geo.check('/x', { authorization: `Bearer ${geo.source.createKey().raw}` })), 403);
    await geo.guard.close();
  });

  it('rate-limits per credential', async () => {
    const limited = await guardHarness({ rate_limit: { per_second: 1, burst: 2 } });
    const { raw } = limited.source.createKey();
    const auth = { authorization: `Bearer ${raw}` };
    assert.equal(statusOf(await limited.check('/x', auth)), 200);
    assert.equal(statusOf(await limited.check('/x', auth)), 200);
    const third = await limited.check('/x', auth);
    assert.equal(statusOf(third), 429);
    assert.ok(!third.allow && third.refusal.headers['retry-after']);
    assert.equal(
      statusOf(await limited.check('/x', { authorization: `Bearer ${limited.source.createKey().raw}` })),
      200,
      'other credentials are not affected',
    );
    await limited.guard.close();
  });

  it('fails closed when the revocation source is unreachable past the staleness bound, or open if configured', async () => {
    const revocation = { poll_ms: 10, staleness_ms: 300, resync_ms: 60_000 };
    const closed = await guardHarness({ revocation: { ...revocation, on_stale: 'fail-closed' } });
    const open = await guardHarness({ revocation: { ...revocation, on_stale: 'fail-open' } });
    for (const h of [closed, open]) h.source.failRevocations = true;
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(statusOf(await closed.check('/x', { authorization: `Bearer ${closed.source.createKey().raw}` })), 503);
    assert.equal(statusOf(await open.check('/x', { authorization: `Bearer ${open.source.createKey().raw}` })), 200);
    await closed.guard.close();
    await open.guard.close();
  });

  it('emits one access event per finished request without the secret', async () => {
    const events: unknown[] = [];
    const g = await guardHarness({}, { publishAccess: (batch) => void events.push(...batch) });
    const { raw, record } = g.source.createKey();
    const d = await g.check('/x', { authorization: `Bearer ${raw}`, 'user-agent': 'curl/8' });
    g.guard.finish(d, 200);
    await g.guard.close();
    assert.equal(events.length, 1);
    const text = JSON.stringify(events[0]);
    assert.ok(!text.includes(raw));
    assert.match(text, new RegExp(record.id));
    assert.match(text, /"user_agent":"curl\/8"/);
  });
});
