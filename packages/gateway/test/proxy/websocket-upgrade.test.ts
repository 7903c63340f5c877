import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent } from '@tokenwarden/core';
import { type ReverseProxy, startReverseProxy } from '../../src/reverse-proxy.js';
import { rawConversation, rawRequest } from '../support/echo-upstream.js';
import { guardHarness } from '../support/guard-harness.js';

// The upgrade headers of a WebSocket handshake (RFC 6455 §4.1).
const ws = 'connection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

// A guard asking for the admin scope under /admin and the read scope everywhere else.
const adminAndReadGuard = (extra: Parameters<typeof guardHarness>[1] = {}) =>
  guardHarness(
    {
      routes: [
        { path: '/admin/**', scopes: ['echo.admin'] },
        { path: '/**', scopes: ['echo.read'] },
      ],
    },
    extra,
  );

// Registers before/after hooks that start `startUpstream`, a guard over it (admin and read routes)
// and a proxy in front; the returned object is filled in once the suite's hooks have run.
function guardedProxy<U extends { url: string; close(): Promise<void> }>(
  startUpstream: () => Promise<U>,
  extra: Parameters<typeof guardHarness>[1] = {},
): { upstream: U; h: Awaited<ReturnType<typeof guardHarness>>; proxy: ReverseProxy; port: number; key: string } {
  const t = {} as ReturnType<typeof guardedProxy<U>>;
  before(async () => {
    t.upstream = await startUpstream();
    t.h = await adminAndReadGuard(extra);
    t.proxy = await startReverseProxy({ guard: t.h.guard, upstream: t.upstream.url, port: 0 });
    t.port = Number(new URL(t.proxy.url).port);
    t.key = t.h.source.createKey({ scopes: ['echo.read'] }).raw;
  });
  after(async () => {
    await t.proxy.close(100);
    await t.upstream.close();
  });
  return t;
}

// An upstream that accepts WebSocket upgrades and then echoes every byte (enough to see a tunnel).
async function startUpgradeUpstream(): Promise<{
  url: string;
  seen: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    sockets.add(socket);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('reverse proxy: WebSocket upgrades', () => {
  const t = guardedProxy(startUpgradeUpstream);

  it('refuses an upgrade without a credential with 401 and its challenge, and one outside its scopes with 403', async () => {
    const anonymous = await rawRequest(t.port, `GET /socket HTTP/1.1\r\nhost: x\r\n${ws}\r\n`);
    assert.match(anonymous, /^HTTP\/1\.1 401/);
    assert.match(anonymous, /www-authenticate: Bearer realm="tokenwarden"/i);
    const admin = await rawRequest(t.port, `GET /admin/socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\n${ws}\r\n`);
    assert.match(admin, /^HTTP\/1\.1 403/);
    const bypass = await rawRequest(
      t.port,
      `GET /x/%2e%2e/admin/socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\n${ws}\r\n`,
    );
    assert.match(bypass, /^HTTP\/1\.1 403/);
    assert.equal(t.upstream.seen.length, 0, 'nothing reached the upstream');
  });

  it('tunnels an admitted WebSocket to the checked path, without the credential, with the identity', async () => {
    const out = await rawConversation(
      t.port,
      `GET /a/../socket?x=1 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\nx-tokenwarden-subject: root\r\n${ws}\r\n`,
      /^HTTP\/1\.1 101[\s\S]*\r\n\r\n/,
      'ping',
      600,
    );
    assert.match(out, /^HTTP\/1\.1 101/);
    assert.ok(out.endsWith('\r\n\r\nping'), 'bytes flow both ways through the tunnel');
    const got = t.upstream.seen.at(-1);
    assert.equal(got?.url, '/socket?x=1');
    assert.equal(got?.headers.authorization, undefined);
    assert.equal(got?.headers['x-tokenwarden-subject'], 'user_1');
    assert.equal(got?.headers.upgrade, 'websocket');
  });

  it('answers other upgrades (h2c) with 501 once admitted', async () => {
    const raw = await rawRequest(
      t.port,
      `GET /socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 501/);
  });

  it('a 502 when the t.upstream is gone or hangs up without answering, and the proxy stays up', async () => {
    // Answers an admitted upgrade through a proxy in front of `upstreamUrl`.
    const upgradeVia = async (upstreamUrl: string) => {
      const other = await startReverseProxy({ guard: t.h.guard, upstream: upstreamUrl, port: 0 });
      try {
        return await rawRequest(
          Number(new URL(other.url).port),
          `GET /socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\n${ws}\r\n`,
        );
      } finally {
        await other.close(50);
      }
    };
    assert.match(await upgradeVia('http://127.0.0.1:1'), /^HTTP\/1\.1 502/);
    const rude = createNetServer((s) => s.destroy());
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
    try {
      assert.match(await upgradeVia(`http://127.0.0.1:${(rude.address() as AddressInfo).port}`), /^HTTP\/1\.1 502/);
    } finally {
      await new Promise<void>((r) => rude.close(() => r()));
    }
    assert.match(await rawRequest(t.port, `GET /socket HTTP/1.1\r\nhost: x\r\n${ws}\r\n`), /^HTTP\/1\.1 401/);
  });
});

// An t.upstream that does not speak WebSocket: it answers an upgrade as a plain request and keeps the
// connection alive for more, as Node and most HTTP servers do. Records every request it serves.
async function startPlainUpstream(): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.end(req.url === '/admin/secret' ? 'ADMIN SECRET' : 'no websocket here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('reverse proxy: an upgrade the t.upstream refuses is no tunnel (WebSocket smuggling)', () => {
  const events: AccessEvent[] = [];
  const t = guardedProxy(startPlainUpstream, { publishAccess: (batch) => void events.push(...batch) });
  const smuggled = 'GET /admin/secret HTTP/1.1\r\nhost: x\r\n\r\n';

  it('does not send bytes that came with the upgrade request before the t.upstream switched protocols', async () => {
    // A raw t.upstream that records every byte and refuses the upgrade with a keep-alive 404: a
    // server that parses pipelined requests would serve whatever followed the upgrade request.
    let received = '';
    const raw = createNetServer((s) => {
      s.on('data', (d: Buffer) => {
        const first = received.length === 0;
        received += d.toString('latin1');
        if (first) s.write('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const other = await startReverseProxy({
      guard: t.h.guard,
      upstream: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`,
      port: 0,
    });
    try {
      const out = await rawRequest(
        Number(new URL(other.url).port),
        `GET /socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\n${ws}\r\n${smuggled}`,
      );
      assert.match(out, /^HTTP\/1\.1 404/);
      assert.match(received, /^GET \/socket /);
      assert.doesNotMatch(received, /admin/);
    } finally {
      await other.close(50);
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('does not relay a request sent after the t.upstream answered the upgrade without switching', async () => {
    t.upstream.paths.length = 0;
    const out = await rawConversation(
      t.port,
      `GET /socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.key}\r\n${ws}\r\n`,
      /no websocket here/,
      smuggled,
      600,
    );
    assert.doesNotMatch(out, /ADMIN SECRET/);
    assert.deepEqual(t.upstream.paths, ['/socket']);
    // The access event carries the upstream's status, not a 101.
    await t.h.guard.sink?.flush();
    assert.equal(events.at(-1)?.status, 200);
  });
});
