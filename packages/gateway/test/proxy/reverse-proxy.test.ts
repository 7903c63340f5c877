import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AccessEvent, TokenWardenError } from '@tokenwarden/core';
import { type ReverseProxy, startReverseProxy } from '../../src/reverse-proxy.js';
import { rawRequest } from '../support/echo-upstream.js';
import { proxyHarness } from '../support/proxy-harness.js';

describe('reverse proxy security', () => {
  let upstream: Awaited<ReturnType<typeof proxyHarness>>['upstream'];
  let h: Awaited<ReturnType<typeof proxyHarness>>['h'];
  let proxy: ReverseProxy;
  let port: number;
  let key: string;
  let close: () => Promise<void>;
  const events: AccessEvent[] = [];

  before(async () => {
    ({ upstream, h, proxy, port, key, close } = await proxyHarness(
      {
        routes: [
          { path: '/admin/**', scopes: ['echo.admin'] },
          { path: '/**', scopes: ['echo.read'] },
        ],
      },
      { publishAccess: (batch) => void events.push(...batch) },
    ));
  });
  after(() => close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });

  it('forwards admitted requests without credentials or hop-by-hop headers, with X-Forwarded-*', async () => {
    const raw = await rawRequest(
      port,
      `GET /items/./1?x=1 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\nconnection: close, x-custom-hop\r\nx-custom-hop: bye\r\nkeep-alive: 1\r\nte: trailers\r\nx-tokenwarden-subject: forged\r\nx-forwarded-for: 6.6.6.6\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 200/);
    const [head = '', text = ''] = raw.split('\r\n\r\n');
    assert.doesNotMatch(head, /x-secret-hop/i, 'hop-by-hop response headers named in Connection are dropped');
    const body = JSON.parse(text) as { url: string; headers: Record<string, string> };
    assert.equal(body.headers['keep-alive'], undefined);
    assert.equal(body.headers.te, undefined);
    assert.equal(body.url, '/items/1?x=1');
    assert.equal(body.headers.authorization, undefined);
    assert.equal(body.headers['x-custom-hop'], undefined);
    assert.equal(body.headers['x-tokenwarden-subject'], 'user_1');
    assert.equal(body.headers['x-forwarded-for'], '127.0.0.1', 'a forged X-Forwarded-For from an untrusted peer is not passed on');
    assert.equal(body.headers['x-forwarded-proto'], 'http');
  });

  it('refuses path-normalisation bypasses of the admin rule', async () => {
    // `;x` parameters: servlet containers route `/admin;x/users` as `/admin/users`.
    for (const p of ['/admin', '/public/../admin/x', '/public/%2e%2e/admin/x', '//admin/x', '/ADMIN/x', '/admin;x/users', '/;/admin/x']) {
      const res = await rawRequest(port, `GET ${p} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\nconnection: close\r\n\r\n`);
      assert.match(res, /^HTTP\/1\.1 403/, p);
    }
    for (const p of ['/admin%2Fx', '/admin%5cx', '/x/%252e%252e/admin', '/public/..;/admin/x']) {
      const res = await rawRequest(port, `GET ${p} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\nconnection: close\r\n\r\n`);
      assert.match(res, /^HTTP\/1\.1 400/, p);
    }
    assert.ok(!upstream.seen.some((s) => /admin/i.test(s.url)), 'nothing reached the upstream admin area');
  });

  it('answers a 64 KB header with 431, not 500, and stays up', async () => {
    const res = await rawRequest(port, `GET /items HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.match(res, /^HTTP\/1\.1 431/);
    assert.equal((await get('/items')).status, 200);
  });

  it('refuses request smuggling framings and stays up', async () => {
    const cases = [
      `POST /items HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
      `POST /items HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\ncontent-length: 4\r\ncontent-length: 4\r\n\r\nabcd`,
      `POST /items HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\ncontent-length: 4\r\ncontent-length: 5\r\n\r\nabcd`,
      `POST /items HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\ntransfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
      `GET /items HTTP/1.1\r\nhost: x\r\nbad header line\r\n\r\n`,
      `GET /items HTTP/1.1\r\nhost: x\r\nHost: admin.internal\r\nauthorization: Bearer ${key}\r\n\r\n`,
      `POST /items HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\nContent-Length: 4\r\nCONTENT-LENGTH: 4\r\n\r\nabcd`,
    ];
    for (const c of cases) assert.match(await rawRequest(port, c), /^HTTP\/1\.1 400/, c.split('\r\n').slice(3, 5).join(' | '));
    assert.equal((await get('/items')).status, 200);
  });

  it('a head refused before the guard (two Hosts, TRACE) still gets its access event', async () => {
    const before = events.length;
    await rawRequest(port, `POST /items HTTP/1.1\r\nhost: x\r\nhost: admin.internal\r\ncontent-length: 0\r\n\r\n`);
    await rawRequest(port, `TRACE /items HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    await h.guard.sink?.flush();
    const fresh = events.slice(before);
    assert.deepEqual(
      fresh.map((e) => [e.method, e.status]),
      [
        ['POST', 400],
        ['TRACE', 405],
      ],
    );
  });

  it('forwards a chunked body once framing is unambiguous', async () => {
    const res = await fetch(`${proxy.url}/upload`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: 'hello world' });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { bytes: number }).bytes, 11);
  });

  it('a revoked key is refused right after revocation', async () => {
    const { raw, record } = h.source.createKey();
    assert.equal((await get('/items', { authorization: `Bearer ${raw}` })).status, 200);
    h.source.revoke('key', record.id);
    h.guard.wakeRevocations();
    await new Promise((r) => setTimeout(r, 2));
    const res = await get('/items', { authorization: `Bearer ${raw}` });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('refuses to start on a port in use, naming the address and the reason', async () => {
    const taken = Number(new URL(upstream.url).port);
    await assert.rejects(
      startReverseProxy({ guard: h.guard, upstream: upstream.url, port: taken }),
      (e: unknown) =>
        e instanceof TokenWardenError &&
        e.code === 'TW_UNAVAILABLE' &&
        e.message === `cannot listen on 127.0.0.1:${taken}: EADDRINUSE` &&
        /pick another --listen/.test(e.hint ?? ''),
    );
  });

  it('a 502 when the upstream is gone, one access event per request', async () => {
    const dead = await startReverseProxy({ guard: h.guard, upstream: 'http://127.0.0.1:1', port: 0 });
    const res = await fetch(`${dead.url}/x`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(res.status, 502);
    await res.text();
    await dead.close(50);
    await h.guard.sink?.flush();
    assert.ok(events.some((e) => e.status === 502));
    assert.ok(events.every((e) => !JSON.stringify(e).includes(key)));
  });
});
