import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { tokenWardenFastify } from '../../src/fastify-plugin.js';
import { createNodeMiddleware, type GuardedRequest } from '../../src/node-middleware.js';
import { rawRequest } from '../support/echo-upstream.js';
import { guardHarness } from '../support/guard-harness.js';

const config = {
  routes: [
    { path: '/admin/**', scopes: ['echo.admin'] },
    { path: '/**', scopes: ['echo.read'] },
  ],
};

describe('Fastify plugin', () => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  let app: FastifyInstance;
  const events: unknown[] = [];
  before(async () => {
    h = await guardHarness(config, { publishAccess: (batch) => void events.push(...batch) });
    app = Fastify();
    await app.register(tokenWardenFastify, { guard: h.guard });
    app.get('/items', async (req) => ({ subject: req.tokenwarden?.credential?.subject }));
    app.get('/admin/*', async () => ({ admin: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await app.close();
    await h.guard.close();
  });

  it('admits a valid key, exposes the credential, emits one event per request', async () => {
    const { raw } = h.source.createKey();
    const res = await app.inject({ url: '/items', headers: { authorization: `Bearer ${raw}` } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { subject: 'user_1' });
    await h.guard.sink?.flush();
    assert.equal(events.length, 1);
  });

  it('refuses without credential (with challenges), insufficient scope, and non-canonical paths', async () => {
    const none = await app.inject({ url: '/items' });
    assert.equal(none.statusCode, 401);
    assert.ok(none.headers['www-authenticate']);
    const { raw } = h.source.createKey();
    assert.equal((await app.inject({ url: '/admin/x', headers: { authorization: `Bearer ${raw}` } })).statusCode, 403);
    const port = (app.server.address() as AddressInfo).port;
    for (const p of ['/items/../admin/x', '/items/%2e%2e/admin/x', '//admin/x']) {
      const res = await rawRequest(port, `GET ${p} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${raw}\r\nconnection: close\r\n\r\n`);
      assert.match(res, /^HTTP\/1\.1 (400|403)/, p);
    }
    const { raw: admin } = h.source.createKey({ scopes: ['echo.admin', 'echo.read'] });
    const res = await rawRequest(
      port,
      `GET /x/../items HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${admin}\r\nconnection: close\r\n\r\n`,
    );
    assert.match(res, /^HTTP\/1\.1 400/, 'a path the router would read differently is refused');
  });
});

describe('Fastify plugin: hot path and probing delay', () => {
  it('admits repeat requests of a cached key with one event each, and delays a credential that probes', async () => {
    const events: { status: number; path?: string }[] = [];
    const h = await guardHarness(
      { ...config, probing: { slow_after: 2, block_after: 50, delay_ms: 120 } },
      { publishAccess: (batch) => void events.push(...(batch as never[])) },
    );
    const app = Fastify();
    await app.register(tokenWardenFastify, { guard: h.guard });
    app.get('/items', async () => ({ ok: true }));
    try {
      const { raw } = h.source.createKey();
      const headers = { authorization: `Bearer ${raw}` };
      for (let i = 0; i < 5; i++) assert.equal((await app.inject({ url: '/items', headers })).statusCode, 200);
      const t0 = performance.now();
      assert.equal((await app.inject({ url: '/items', headers })).statusCode, 200);
      assert.ok(performance.now() - t0 < 100, 'no delay before probing');
      for (const p of ['/nope/1', '/nope/2', '/nope/3']) assert.equal((await app.inject({ url: p, headers })).statusCode, 404);
      const t1 = performance.now();
      assert.equal((await app.inject({ url: '/items', headers })).statusCode, 200);
      assert.ok(performance.now() - t1 >= 110, 'three distinct 404 paths past slow_after=2 delay the next request');
      await h.guard.sink?.flush();
      assert.equal(events.length, 10, 'one access event per request, the 404s included');
      assert.deepEqual(
        events.filter((e) => e.status === 404).map((e) => e.path),
        ['/nope/1', '/nope/2', '/nope/3'],
      );
    } finally {
      await app.close();
      await h.guard.close();
    }
  });
});

describe('Node middleware', () => {
  it('rewrites req.url to the checked path and refuses the rest', async () => {
    const h = await guardHarness(config);
    const mw = createNodeMiddleware(h.guard);
    const server = createServer((req, res) =>
      mw(req, res, () => {
        res.end(JSON.stringify({ url: req.url, subject: (req as GuardedRequest).tokenwarden?.credential?.subject }));
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const { raw } = h.source.createKey();
      const ok = await rawRequest(port, `GET /a/./b//c HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${raw}\r\nconnection: close\r\n\r\n`);
      assert.match(ok, /^HTTP\/1\.1 200/);
      assert.match(ok, /"url":"\/a\/b\/c"/);
      assert.match(ok, /"subject":"user_1"/);
      const denied = await rawRequest(
        port,
        `GET /x/%2e%2e/admin/y HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${raw}\r\nconnection: close\r\n\r\n`,
      );
      assert.match(denied, /^HTTP\/1\.1 403/);
      assert.match(denied, /insufficient_scope/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await h.guard.close();
    }
  });
});
