import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent } from '@tokenwarden/core';
import { type ReverseProxy, startReverseProxy } from '../../src/reverse-proxy.js';
import { guardHarness } from '../support/guard-harness.js';

// How the proxy streams an upstream's response back: large bodies whole and with backpressure, and
// a relay cut short on either side (the upstream dies mid-body, the client leaves) frees both
// connections, never passes a cut body off as whole, and leaves the proxy serving.
describe('response relay', () => {
  const big = randomBytes(8 << 20);
  const upstreamClosedEarly: string[] = [];
  let upstream: Server;
  let h: Awaited<ReturnType<typeof guardHarness>>;
  let proxy: ReverseProxy;
  let key: string;
  const events: AccessEvent[] = [];

  const writeSlowly = (res: ServerResponse, total: number): void => {
    let sent = 0;
    const tick = setInterval(() => {
      if (res.destroyed) return clearInterval(tick);
      res.write(Buffer.alloc(16 * 1024, 7));
      sent += 16 * 1024;
      if (sent >= total) {
        clearInterval(tick);
        res.end();
      }
    }, 5);
  };

  before(async () => {
    upstream = createServer((req, res) => {
      res.on('close', () => {
        if (!res.writableFinished) upstreamClosedEarly.push(req.url ?? '');
      });
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
        res.end(big);
      } else if (req.url === '/dies-mid-body') {
        res.writeHead(200, { 'content-length': 100_000 });
        res.write(Buffer.alloc(1_000, 1));
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (req.url === '/slow') {
        res.writeHead(200, { 'content-length': 4 << 20 });
        writeSlowly(res, 4 << 20);
      } else {
        res.writeHead(200, { 'content-length': 2 });
        res.end('ok');
      }
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    h = await guardHarness({ routes: [{ path: '/**', scopes: ['echo.read'] }] }, { publishAccess: (batch) => void events.push(...batch) });
    proxy = await startReverseProxy({
      guard: h.guard,
      upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      port: 0,
    });
    key = h.source.createKey({ scopes: ['echo.read'] }).raw;
  });
  after(async () => {
    await proxy.close(100);
    upstream.closeAllConnections();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  const get = (path: string) => fetch(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const eventFor = async (path: string): Promise<AccessEvent | undefined> => {
    await h.guard.sink?.flush();
    return events.findLast((e) => e.path === path);
  };

  it('relays an 8 MB body whole to a client that reads slowly, and counts its bytes', async () => {
    const res = await get('/big');
    assert.equal(res.status, 200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const digest = createHash('sha256');
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      digest.update(r.value);
      await new Promise((resolve) => setImmediate(resolve)); // a slow reader: the proxy must wait, not buffer or drop
    }
    assert.equal(digest.digest('hex'), createHash('sha256').update(big).digest('hex'));
    assert.equal((await eventFor('/big'))?.bytes_out, big.length);
  });

  it('cuts the client off when the upstream dies mid-body, and keeps serving', async () => {
    const res = await get('/dies-mid-body');
    assert.equal(res.status, 200);
    await assert.rejects(res.arrayBuffer(), 'a cut body must not pass for a whole one');
    const event = await eventFor('/dies-mid-body');
    assert.equal(event?.status, 200);
    assert.equal(event?.bytes_out, 1_000);
    assert.equal((await get('/ok')).status, 200);
  });

  it('frees the upstream response when the client leaves mid-body, and keeps serving', async () => {
    const port = Number(new URL(proxy.url).port);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ port, path: '/slow', headers: { authorization: `Bearer ${key}` } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      req.end();
    });
    for (let i = 0; i < 100 && !upstreamClosedEarly.includes('/slow'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(upstreamClosedEarly.includes('/slow'), 'the upstream response was not aborted');
    assert.ok((await eventFor('/slow')) !== undefined, 'the request has its access event');
    assert.equal((await get('/ok')).status, 200);
  });
});
