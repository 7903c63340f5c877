import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startReverseProxy } from '../../src/reverse-proxy.js';
import { rawConversation, rawRequest } from '../support/echo-upstream.js';
import { guardHarness } from '../support/guard-harness.js';
import { proxyHarness } from '../support/proxy-harness.js';

const CONTINUE = /^HTTP\/1\.1 100 Continue\r\n\r\n/;

// Requests an attacker with a low-privilege key sends to reach what its scopes do not cover, or to
// make the upstream believe something the gateway did not check.
describe('reverse proxy against adversarial requests', () => {
  let t: Awaited<ReturnType<typeof proxyHarness>>;

  before(async () => {
    t = await proxyHarness({
      routes: [
        { path: '/admin/**', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], scopes: ['echo.admin'] },
        { path: '/**', scopes: ['echo.read'] },
      ],
    });
  });
  after(() => t.close());

  const request = (line: string, headers = '') =>
    rawRequest(t.port, `${line} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\n${headers}connection: close\r\n\r\n`);
  const echoed = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { url: string; headers: Record<string, string> };

  it('HEAD runs the GET handler upstream, so it needs what the GET rule needs', async () => {
    assert.match(await request('HEAD /admin/x'), /^HTTP\/1\.1 403/);
    assert.match(await request('HEAD /items'), /^HTTP\/1\.1 200/);
  });

  it('trailing dots and spaces, dot-only segments, encoded ? and #, and ASCII look-alikes do not dodge the admin rule', async () => {
    for (const p of ['/admin./x', '/admin%20/x', '/admin%2e/x', '/ADMIN../x'])
      assert.match(await request(`GET ${p}`), /^HTTP\/1\.1 403/, p);
    for (const p of [
      '/x/.../admin',
      '/x/..%20/admin/y',
      '/admin%3f/x',
      '/admin%23/x',
      '/x/%EF%BC%8E%EF%BC%8E/admin/y',
      '/%EF%BD%81dmin/x',
      '/adm%C4%B1n/x',
      '/x/%E2%88%95admin',
      '/admin%E2%80%8B/x',
    ]) {
      const res = await request(`GET ${p}`);
      assert.match(res, /^HTTP\/1\.1 400/, p);
      assert.doesNotMatch(res, /fold|invisible|dots/, 'the reason stays internal');
    }
    assert.ok(!t.upstream.seen.some((s) => /adm|%EF|%E2|%C4|\.\.\./i.test(s.url)), 'none reached the upstream');
  });

  it('never passes on client-address fields, URL overrides, or protected names spelt with underscores', async () => {
    const raw = await request(
      'GET /items',
      'x-real-ip: 6.6.6.6\r\ntrue-client-ip: 6.6.6.6\r\ncf-connecting-ip: 6.6.6.6\r\nx-client-ip: 6.6.6.6\r\n' +
        'x-original-url: /admin/x\r\nx-rewrite-url: /admin/x\r\nx_forwarded_for: 6.6.6.6\r\nx-tokenwarden_subject: root\r\n' +
        'x_api_key: leaked\r\nx-request-id: forged\r\nx_custom: kept\r\n',
    );
    assert.match(raw, /^HTTP\/1\.1 200/);
    const { headers } = echoed(raw);
    for (const name of ['x-real-ip', 'true-client-ip', 'cf-connecting-ip', 'x-client-ip', 'x-original-url', 'x-rewrite-url']) {
      assert.equal(headers[name], undefined, name);
    }
    for (const name of ['x_forwarded_for', 'x-tokenwarden_subject', 'x_api_key']) assert.equal(headers[name], undefined, name);
    assert.equal(headers['x_custom'], 'kept', 'other underscore names pass');
    assert.notEqual(headers['x-request-id'], 'forged');
    assert.equal(headers['x-tokenwarden-subject'], 'user_1');
    assert.equal(headers['x-forwarded-for'], '127.0.0.1');
  });

  it('two Authorization headers are a 400 with an RFC 6750 challenge, whichever one is valid', async () => {
    for (const second of ['Bearer nope', `Bearer ${t.key}`]) {
      const raw = await request('GET /items', `authorization: ${second}\r\n`);
      assert.match(raw, /^HTTP\/1\.1 400/);
      assert.match(raw, /www-authenticate: Bearer realm="tokenwarden", error="invalid_request"/i);
    }
  });

  it('a credential refusal that is a 400 carries a challenge (query token), a path refusal none', async () => {
    const query = await rawRequest(t.port, `GET /items?access_token=${t.key} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    assert.match(query, /^HTTP\/1\.1 400/);
    assert.match(query, /www-authenticate: Bearer realm="tokenwarden", error="invalid_request"/i);
    assert.doesNotMatch(await request('GET /a%2fb'), /www-authenticate/i);
    // A key in a path parameter (servlet containers read `;name=value`), even with an escaped `_`.
    for (const target of [`/items;access_token=${t.key}`, `/items/${t.key.replace('_', '%5F')}`]) {
      assert.match(await rawRequest(t.port, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`), /^HTTP\/1\.1 400/, target);
    }
  });

  it('refuses a Host that is not a host (an upstream building URLs from it would read a path or a user)', async () => {
    for (const host of ['x/admin', 'evil@x', 'x\\admin', 'x?y', 'x#y']) {
      const raw = await rawRequest(
        t.port,
        `GET /items HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${t.key}\r\nconnection: close\r\n\r\n`,
      );
      assert.match(raw, /^HTTP\/1\.1 400/, host);
    }
    for (const host of ['api.example.com:8443', '[::1]:8081', '127.0.0.1']) {
      const raw = await rawRequest(
        t.port,
        `GET /items HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${t.key}\r\nconnection: close\r\n\r\n`,
      );
      assert.match(raw, /^HTTP\/1\.1 200/, host);
    }
  });

  it('reads an absolute-form target as the origin-form it names (RFC 9112 §3.2.2), so rules still apply', async () => {
    assert.match(await request('GET http://x/admin/x'), /^HTTP\/1\.1 403/);
    assert.match(await request('GET HTTP://X/public/%2e%2e/admin/x'), /^HTTP\/1\.1 403/);
    const ok = await request('GET http://x/items?a=1');
    assert.match(ok, /^HTTP\/1\.1 200/);
    assert.equal(echoed(ok).url, '/items?a=1');
    assert.equal(echoed(await request('GET http://x')).url, '/');
    for (const target of ['http://evil.test/items', 'http://user@x/items', 'ftp://x/items', 'x/items']) {
      assert.match(await request(`GET ${target}`), /^HTTP\/1\.1 400/, target);
    }
  });

  it('refuses a head with more fields than Node keeps (431), so a second Authorization cannot hide past the limit', async () => {
    const filler = 'a:\r\n'.repeat(2_100);
    const raw = await rawRequest(
      t.port,
      `GET /items HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\n${filler}authorization: Bearer x\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 431/);
    assert.match(await request('GET /items', 'x-a: 1\r\n'.repeat(100)), /^HTTP\/1\.1 200/, 'a hundred fields are fine');
  });

  it('answers 505 to an HTTP/1 request line naming another major version, and serves HTTP/1.0', async () => {
    for (const version of ['HTTP/0.9', 'HTTP/2.0']) {
      const raw = await rawRequest(
        t.port,
        `GET /items ${version}\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\nconnection: close\r\n\r\n`,
      );
      assert.match(raw, /^HTTP\/1\.1 505/, version);
    }
    assert.match(await rawRequest(t.port, `GET /items HTTP/1.0\r\nauthorization: Bearer ${t.key}\r\n\r\n`), /^HTTP\/1\.1 200/);
  });

  it('answers TRACE with 405 and CONNECT with 501 instead of relaying or dropping them', async () => {
    assert.match(await request('TRACE /items'), /^HTTP\/1\.1 405/);
    const raw = await rawRequest(t.port, `CONNECT 127.0.0.1:22 HTTP/1.1\r\nhost: 127.0.0.1:22\r\nauthorization: Bearer ${t.key}\r\n\r\n`);
    assert.match(raw, /^HTTP\/1\.1 501/);
  });

  it('Expect: 100-continue: admitted requests get 100 and reach the upstream; refused ones get no 100', async () => {
    const admitted = await rawConversation(
      t.port,
      `POST /items HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\ncontent-length: 5\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n`,
      CONTINUE,
      'hello',
    );
    assert.match(admitted, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200/);
    assert.equal((JSON.parse(admitted.slice(admitted.lastIndexOf('\r\n\r\n') + 4)) as { bytes: number }).bytes, 5);
    const refused = await rawConversation(
      t.port,
      'POST /items HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\nexpect: 100-continue\r\n\r\n',
      CONTINUE,
      'hello',
    );
    assert.match(refused, /^HTTP\/1\.1 401/);
    assert.doesNotMatch(refused, /100 Continue/);
  });

  it('closes the connection after refusing a request whose body it did not read', async () => {
    const started = Date.now();
    const raw = await new Promise<string>((resolve) => {
      const sock = connect(t.port, '127.0.0.1');
      let out = '';
      sock.on('data', (d) => {
        out += d.toString('latin1');
      });
      sock.on('close', () => resolve(out));
      sock.write(`POST /items HTTP/1.1\r\nhost: x\r\ncontent-length: 100000000\r\n\r\n${'x'.repeat(1000)}`);
    });
    assert.match(raw, /^HTTP\/1\.1 401/);
    assert.match(raw, /connection: close/i);
    assert.ok(Date.now() - started < 1_500, 'closed at once, not after reading 100 MB');
  });

  it('a 504 when the upstream does not answer in time, and the gateway stays up', async () => {
    const hanging = createServer(() => {});
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const slow = await startReverseProxy({
      guard: t.h.guard,
      upstream: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
      port: 0,
      upstreamTimeoutMs: 200,
    });
    try {
      const res = await fetch(`${slow.url}/x`, { headers: { authorization: `Bearer ${t.key}` } });
      assert.equal(res.status, 504);
      assert.deepEqual(await res.json(), { error: 'gateway_timeout', error_description: 'the upstream did not answer in time' });
      assert.equal((await fetch(`${t.proxy.url}/items`, { headers: { authorization: `Bearer ${t.key}` } })).status, 200);
    } finally {
      await slow.close(50);
      hanging.closeAllConnections();
      await new Promise<void>((r) => hanging.close(() => r()));
    }
  });
});

describe('reverse proxy against slow-headers clients', () => {
  it('answers 408 and closes a connection whose head trickles in, within the timeout and one check interval', async () => {
    const h = await guardHarness({});
    const proxy = await startReverseProxy({ guard: h.guard, upstream: 'http://127.0.0.1:1', port: 0, headersTimeoutMs: 300 });
    try {
      const started = Date.now();
      const raw = await new Promise<string>((resolve) => {
        const sock = connect(Number(new URL(proxy.url).port), '127.0.0.1');
        let out = '';
        const trickle = setInterval(() => sock.write('x-a: b\r\n'), 100);
        sock.on('data', (d) => {
          out += d.toString('latin1');
        });
        sock.on('close', () => {
          clearInterval(trickle);
          resolve(out);
        });
        sock.write('GET /x HTTP/1.1\r\nhost: x\r\n');
      });
      assert.match(raw, /^HTTP\/1\.1 408/);
      assert.ok(Date.now() - started < 3_000, `closed after ${Date.now() - started} ms (Node's default check interval is 30 s)`);
    } finally {
      await proxy.close(50);
    }
  });
});
