import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type ReverseProxy, startReverseProxy } from '../../src/reverse-proxy.js';
import { guardHarness } from '../support/guard-harness.js';

// An upstream with a WebSocket echo and an endless server-sent event stream (one event per 50 ms).
async function startStreamingUpstream(): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (req.url !== '/events') return res.end('ok');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    const tick = setInterval(() => res.write(`data: ${n++}\n\n`), 50);
    res.on('close', () => clearInterval(tick));
  });
  server.on('upgrade', (_req, socket: Socket) => {
    sockets.add(socket);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

// An open connection through the proxy, and a promise of when it closed (ms after opening).
interface OpenConnection {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
}

function open(port: number, head: string, opened: RegExp): Promise<OpenConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    const start = Date.now();
    const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now() - start)));
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (opened.test(out)) resolve({ socket, received: () => out, closed });
    });
    void closed.then(() => reject(new Error(`closed before it opened: ${out}`)));
    socket.write(head);
  });
}

// Resolves to the close time, or to 'open' when the connection is still open after `ms`.
const within = (c: OpenConnection, ms: number) =>
  Promise.race([c.closed, new Promise<'open'>((r) => setTimeout(() => r('open'), ms).unref())]);

const ws = 'connection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
const tunnel = (port: number, auth: string) =>
  open(port, `GET /socket HTTP/1.1\r\nhost: x\r\nauthorization: ${auth}\r\n${ws}\r\n`, /^HTTP\/1\.1 101[\s\S]*\r\n\r\n/);
const stream = (port: number, auth: string) =>
  open(port, `GET /events HTTP/1.1\r\nhost: x\r\nauthorization: ${auth}\r\n\r\n`, /data: 1\n\n/);

describe('reverse proxy: connections that outlive their check', () => {
  let upstream: Awaited<ReturnType<typeof startStreamingUpstream>>;
  let h: Awaited<ReturnType<typeof guardHarness>>;
  let proxy: ReverseProxy;
  let port: number;

  before(async () => {
    upstream = await startStreamingUpstream();
    h = await guardHarness({ routes: [{ path: '/**', scopes: ['echo.read'] }] });
    proxy = await startReverseProxy({ guard: h.guard, upstream: upstream.url, port: 0 });
    port = Number(new URL(proxy.url).port);
  });
  after(async () => {
    await proxy.close(100);
    for (const s of upstream.sockets) s.destroy();
    upstream.server.closeAllConnections();
    await new Promise<void>((r) => upstream.server.close(() => r()));
  });

  it('closes a WebSocket tunnel and a server-sent event stream when their key is revoked, and leaves another key’s open', async () => {
    const stolen = h.source.createKey({ scopes: ['echo.read'] });
    const other = h.source.createKey({ scopes: ['echo.read'] });
    const conns = [await tunnel(port, `Bearer ${stolen.raw}`), await stream(port, `Bearer ${stolen.raw}`)];
    const bystander = await tunnel(port, `Bearer ${other.raw}`);
    assert.equal(await within(conns[0] as OpenConnection, 150), 'open', 'the tunnel is open before the revocation');
    h.source.revoke('key', stolen.record.id);
    h.guard.wakeRevocations();
    for (const c of conns) assert.notEqual(await within(c, 2_000), 'open', 'cut off after the revocation');
    assert.equal(await within(bystander, 200), 'open');
    bystander.socket.destroy();
    await bystander.closed;
    // The proxy sees its side close a moment later; then nothing is held any more.
    for (let i = 0; i < 50 && h.guard.sessions.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.guard.sessions.size, 0);
  });

  it('closes open connections of a credential or an address when a block order lands', async () => {
    const key = h.source.createKey({ scopes: ['echo.read'] });
    const byCredential = await tunnel(port, `Bearer ${key.raw}`);
    const order = { id: 'ord_1', time: new Date().toISOString(), reason: 'hijacked', actor: 'test' };
    h.guard.applyControlOrder({ ...order, action: 'block', target: { kind: 'credential', id: key.record.id } });
    assert.notEqual(await within(byCredential, 2_000), 'open');

    const next = h.source.createKey({ scopes: ['echo.read'] });
    const byAddress = await stream(port, `Bearer ${next.raw}`);
    h.guard.applyControlOrder({ ...order, id: 'ord_2', action: 'block', target: { kind: 'ip', value: '127.0.0.1' } });
    assert.notEqual(await within(byAddress, 2_000), 'open');
    h.guard.applyControlOrder({ ...order, id: 'ord_3', action: 'unblock', target: { kind: 'ip', value: '127.0.0.1' } });
  });

  it('closes a stream once its access token expires', async () => {
    // exp is whole seconds: two to three seconds from now, enough to be admitted on a busy machine.
    const { token } = await h.source.issueJwt({ expiresIn: 3 });
    const exp = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).exp * 1000;
    const c = await stream(port, `Bearer ${token}`);
    const openedAt = Date.now();
    const closedAfter = await within(c, exp - openedAt + 4_000);
    const closedAt = Date.now();
    assert.notEqual(closedAfter, 'open', 'cut off after the token expired');
    assert.ok(closedAt >= exp - 50, `closed ${exp - closedAt} ms before exp`);
    assert.ok(closedAt <= exp + 2_500, `closed ${closedAt - exp} ms after exp`);
  });
});
