import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type ReverseProxy, startReverseProxy } from '../../src/reverse-proxy.js';
import { rawConversation, rawRequest } from '../support/echo-upstream.js';
import { guardHarness } from '../support/guard-harness.js';

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
  let upstream: Awaited<ReturnType<typeof startUpgradeUpstream>>;
  let h: Awaited<ReturnType<typeof guardHarness>>;
  let proxy: ReverseProxy;
  let port: number;
  let key: string;
  const ws = 'connection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

  before(async () => {
    upstream = await startUpgradeUpstream();
    h = await guardHarness({
      routes: [
        { path: '/admin/**', scopes: ['echo.admin'] },
        { path: '/**', scopes: ['echo.read'] },
      ],
    });
    proxy = await startReverseProxy({ guard: h.guard, upstream: upstream.url, port: 0 });
    port = Number(new URL(proxy.url).port);
    key = h.source.createKey({ scopes: ['echo.read'] }).raw;
  });
  after(async () => {
    await proxy.close(100);
    await upstream.close();
  });

  it('refuses an upgrade without a credential with 401 and its challenge, and one outside its scopes with 403', async () => {
    const anonymous = await rawRequest(port, `GET /socket HTTP/1.1\r\nhost: x\r\n${ws}\r\n`);
    assert.match(anonymous, /^HTTP\/1\.1 401/);
    assert.match(anonymous, /www-authenticate: Bearer realm="tokenwarden"/i);
    const admin = await rawRequest(port, `GET /admin/socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\n${ws}\r\n`);
    assert.match(admin, /^HTTP\/1\.1 403/);
    const bypass = await rawRequest(port, `GET /x/%2e%2e/admin/socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\n${ws}\r\n`);
    assert.match(bypass, /^HTTP\/1\.1 403/);
    assert.equal(upstream.seen.length, 0, 'nothing reached the upstream');
  });

  it('tunnels an admitted WebSocket to the checked path, without the credential, with the identity', async () => {
    const out = await rawConversation(
      port,
      `GET /a/../socket?x=1 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\nx-tokenwarden-subject: root\r\n${ws}\r\n`,
      /^HTTP\/1\.1 101[\s\S]*\r\n\r\n/,
      'ping',
      600,
    );
    assert.match(out, /^HTTP\/1\.1 101/);
    assert.ok(out.endsWith('\r\n\r\nping'), 'bytes flow both ways through the tunnel');
    const got = upstream.seen.at(-1);
    assert.equal(got?.url, '/socket?x=1');
    assert.equal(got?.headers.authorization, undefined);
    assert.equal(got?.headers['x-tokenwarden-subject'], 'user_1');
    assert.equal(got?.headers.upgrade, 'websocket');
  });

  it('answers other upgrades (h2c) with 501 once admitted', async () => {
    const raw = await rawRequest(
      port,
      `GET /socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 501/);
  });

  it('a 502 when the upstream is gone or hangs up without answering, and the proxy stays up', async () => {
    // Answers an admitted upgrade through a proxy in front of `upstreamUrl`.
    const upgradeVia = async (upstreamUrl: string) => {
      const other = await startReverseProxy({ guard: h.guard, upstream: upstreamUrl, port: 0 });
      try {
        return await rawRequest(
          Number(new URL(other.url).port),
          `GET /socket HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\n${ws}\r\n`,
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
    assert.match(await rawRequest(port, `GET /socket HTTP/1.1\r\nhost: x\r\n${ws}\r\n`), /^HTTP\/1\.1 401/);
  });
});
