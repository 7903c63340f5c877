import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { type AddressInfo, connect } from 'node:net';
import { Readable } from 'node:stream';
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

// An app with the plugin around its own guard, and the access events the guard publishes.
async function pluginApp(extra: Record<string, unknown> = {}, http2 = false) {
  const events: { status: number; path?: string }[] = [];
  const h = await guardHarness({ ...config, ...extra }, { publishAccess: (batch) => void events.push(...(batch as never[])) });
  const app = (http2 ? Fastify({ http2: true }) : Fastify()) as unknown as FastifyInstance;
  await app.register(tokenWardenFastify, { guard: h.guard });
  app.get('/items', async () => ({ ok: true }));
  const close = async () => {
    await app.close();
    await h.guard.close();
  };
  return { h, app, events, close };
}

// Opens `GET /events` with a bearer key on `port`; `outcome` resolves 'closed' when the server ends
// the stream, 'open' when it still flows after `ms`.
function listenToEvents(port: number, raw: string, ms: number) {
  return new Promise<{ outcome: Promise<'closed' | 'open'>; stop: () => void }>((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.on('error', () => {});
    const outcome = new Promise<'closed' | 'open'>((done) => {
      sock.on('close', () => done('closed'));
      setTimeout(() => done('open'), ms).unref();
    });
    sock.once('data', () => resolve({ outcome, stop: () => sock.destroy() }));
    sock.write(`GET /events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${raw}\r\n\r\n`);
  });
}

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
    const { h, app, events, close } = await pluginApp({ probing: { slow_after: 2, block_after: 50, delay_ms: 120 } });
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
      await close();
    }
  });
});

describe('Fastify plugin over a socket', () => {
  it('emits one event per pipelined keep-alive request with its status, a large streamed answer and a refusal included', async () => {
    const { h, app, events, close } = await pluginApp();
    // Two megabytes: more than a socket takes at once, so the end of the answer waits for the client.
    app.get('/big', async (_req, reply) => reply.send(Readable.from([Buffer.alloc(1 << 20, 97), Buffer.alloc(1 << 20, 98)])));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { raw } = h.source.createKey();
      const auth = `authorization: Bearer ${raw}\r\n`;
      const payload = [
        `GET /items HTTP/1.1\r\nhost: x\r\n${auth}\r\n`,
        `GET /big HTTP/1.1\r\nhost: x\r\n${auth}\r\n`,
        `GET /nope HTTP/1.1\r\nhost: x\r\n${auth}\r\n`,
        'GET /items HTTP/1.1\r\nhost: x\r\n\r\n',
        `GET /items HTTP/1.1\r\nhost: x\r\n${auth}connection: close\r\n\r\n`,
      ].join('');
      const port = (app.server.address() as AddressInfo).port;
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(payload));
        let out = '';
        socket.on('data', (d: Buffer) => {
          out += d.toString('latin1');
        });
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
      });
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      assert.deepEqual(statuses, [200, 200, 404, 401, 200]);
      await h.guard.sink?.flush();
      assert.deepEqual(
        events.map((e) => `${e.status} ${e.path}`).sort(),
        ['200 /big', '200 /items', '200 /items', '401 /items', '404 /nope'],
        'one access event per request',
      );
    } finally {
      await close();
    }
  });
});

describe('Fastify plugin: open responses', () => {
  it("ends a route's streaming response when its key is revoked when told to (not by default)", async () => {
    const h = await guardHarness(config);
    // Apps streaming server-sent events for as long as the client listens.
    const sseApp = async (cutOffOpenResponses: boolean | undefined) => {
      // Closing ends open connections too, so a stream left open fails the test instead of hanging it.
      const app = Fastify({ forceCloseConnections: true });
      await app.register(tokenWardenFastify, { guard: h.guard, ...(cutOffOpenResponses === undefined ? {} : { cutOffOpenResponses }) });
      app.get('/events', (_req, reply) => {
        let tick: NodeJS.Timeout | undefined;
        const stream = new Readable({
          read() {
            tick ??= setInterval(() => this.push('data: tick\n\n'), 20);
          },
          destroy(err, cb) {
            clearInterval(tick);
            cb(err);
          },
        });
        reply.header('content-type', 'text/event-stream').send(stream);
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return app;
    };
    const apps = [await sseApp(true), await sseApp(undefined)];
    try {
      const { raw, record } = h.source.createKey();
      const listen = (app: FastifyInstance, ms: number) => listenToEvents((app.server.address() as AddressInfo).port, raw, ms);
      const [watched, unwatched] = [await listen(apps[0]!, 2_000), await listen(apps[1]!, 1_000)];
      h.source.revoke('key', record.id);
      h.guard.wakeRevocations();
      const outcomes = [await watched.outcome, await unwatched.outcome];
      watched.stop();
      unwatched.stop();
      assert.deepEqual(outcomes, ['closed', 'open']);
    } finally {
      for (const app of apps) await app.close();
      await h.guard.close();
    }
  });
});

describe('Fastify plugin over HTTP/2', () => {
  it('emits the access event of an HTTP/2 response too (it has no prefinish)', async () => {
    const { h, app, events, close } = await pluginApp({}, true);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const client = connectHttp2(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    try {
      const { raw } = h.source.createKey();
      const get = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = client.request({ ':path': '/items', ...headers });
          let status = 0;
          req.on('response', (r) => {
            status = Number(r[':status']);
          });
          req.on('data', () => {});
          req.on('end', () => resolve(status));
          req.on('error', reject);
          req.end();
        });
      assert.equal(await get({ authorization: `Bearer ${raw}` }), 200);
      assert.equal(await get({}), 401);
      await h.guard.sink?.flush();
      assert.deepEqual(events.map((e) => `${e.status} ${e.path}`).sort(), ['200 /items', '401 /items']);
    } finally {
      client.close();
      await close();
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

  it("ends an app's streaming response when its key is revoked, unless told not to", async () => {
    const h = await guardHarness(config);
    // An app streaming server-sent events for as long as the client listens.
    const sse = (mw: ReturnType<typeof createNodeMiddleware>) =>
      createServer((req, res) =>
        mw(req, res, () => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const tick = setInterval(() => res.write('data: tick\n\n'), 20);
          res.on('close', () => clearInterval(tick));
        }),
      );
    const servers = [sse(createNodeMiddleware(h.guard)), sse(createNodeMiddleware(h.guard, { cutOffOpenResponses: false }))];
    for (const s of servers) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const { raw, record } = h.source.createKey();
      const listen = (server: (typeof servers)[number], ms: number) => listenToEvents((server.address() as AddressInfo).port, raw, ms);
      const [watched, unwatched] = [await listen(servers[0]!, 2_000), await listen(servers[1]!, 1_000)];
      h.source.revoke('key', record.id);
      h.guard.wakeRevocations();
      assert.equal(await watched.outcome, 'closed');
      assert.equal(await unwatched.outcome, 'open');
      unwatched.stop();
    } finally {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
      await h.guard.close();
    }
  });
});
