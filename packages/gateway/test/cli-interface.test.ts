import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startEchoUpstream } from './support/echo-upstream.js';
import { type GatewayProcess, runCli, spawnGateway } from './support/spawn-gateway.js';

const AUDIENCE = 'https://api.example.com';

// The pinned interface of issue 4, driven as an outside checker would: `tokenwarden gateway
// --upstream URL --listen --data --config`, keys minted with `tokenwarden keys create` in the same
// --data, a YAML route file, and the RFC 6750 answers a client sees.
describe('tokenwarden gateway: the pinned command-line interface', { timeout: 240_000 }, () => {
  let dir: string;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let open: GatewayProcess;
  let routed: GatewayProcess;
  let pinned: GatewayProcess;
  const keys: Record<'read' | 'admin' | 'plain', string> = { read: '', admin: '', plain: '' };

  const mint = async (scopes: string, audience?: string): Promise<string> => {
    const args = ['keys', 'create', '--data', dir, '--subject', `svc-${scopes}`, '--scopes', scopes, '--json'];
    const run = await runCli(audience ? [...args, '--audience', audience] : args);
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as { key: string }).key;
  };

  const call = async (gateway: GatewayProcess, path: string, authorization?: string, method = 'GET') => {
    const res = await request(`${gateway.url}${path}`, { method, headers: authorization ? { authorization } : {} });
    await res.body.dump();
    return { status: res.statusCode, challenge: ([] as string[]).concat(res.headers['www-authenticate'] ?? []) };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-gw-cli-'));
    keys.read = await mint('echo.read', AUDIENCE);
    keys.admin = await mint('echo.admin', AUDIENCE);
    keys.plain = await mint('echo.read');
    writeFileSync(
      join(dir, 'routes.yaml'),
      [
        `audience: ${AUDIENCE}`,
        'routes:',
        '  - path: /admin/**',
        '    methods: [GET, POST, PUT, PATCH, DELETE]',
        '    scopes: [echo.admin]',
        '  - path: /users/*',
        '    scopes: [echo.read]',
        '  - path: /files/**',
        '    scopes: [echo.read]',
      ].join('\n'),
    );
    // The example of issue 4, as written there.
    writeFileSync(
      join(dir, 'gateway.json'),
      JSON.stringify({
        audience: AUDIENCE,
        routes: [
          { path: '/admin/**', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], scopes: ['echo.admin'] },
          { path: '/**', scopes: ['echo.read'] },
        ],
      }),
    );
    upstream = await startEchoUpstream();
    [open, routed, pinned] = await Promise.all([
      spawnGateway(['--upstream', upstream.url, '--listen', '127.0.0.1:0', '--data', dir]),
      spawnGateway(['--upstream', upstream.url, '--listen', '127.0.0.1:0', '--data', dir, '--config', join(dir, 'routes.yaml')]),
      spawnGateway(['--upstream', upstream.url, '--listen', '127.0.0.1:0', '--data', dir, '--config', join(dir, 'gateway.json')]),
    ]);
  });

  after(async () => {
    await Promise.all([open?.stop(), routed?.stop(), pinned?.stop()]);
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without --config admits any valid key for the default audience, and answers RFC 6750 challenges', async () => {
    assert.equal((await call(open, '/anything/at/all', `Bearer ${keys.plain}`)).status, 200);
    const none = await call(open, '/x');
    assert.equal(none.status, 401);
    assert.equal(none.challenge[0], 'Bearer realm="tokenwarden"');
    const bad = await call(open, '/x', `Bearer ${keys.plain.slice(0, -1)}x`);
    assert.equal(bad.status, 401);
    assert.match(bad.challenge[0] ?? '', /^Bearer realm="tokenwarden", error="invalid_token"/);
    // An unsupported scheme is a request without a bearer credential (RFC 6750 §3.1): 401, no error code.
    const basic = await call(open, '/x', 'Basic dXNlcjpwYXNz');
    assert.equal(basic.status, 401);
    assert.equal(basic.challenge[0], 'Bearer realm="tokenwarden"');
    const query = await call(open, `/x?access_token=${keys.plain}`);
    assert.equal(query.status, 400);
    assert.match(query.challenge[0] ?? '', /error="invalid_request"/);
  });

  it('with a YAML --config: first match wins, * is one segment, ** any number, no match is 403', async () => {
    assert.equal((await call(routed, '/admin/a/b', `Bearer ${keys.admin}`, 'DELETE')).status, 200);
    const scope = await call(routed, '/admin/a', `Bearer ${keys.read}`);
    assert.equal(scope.status, 403);
    assert.match(scope.challenge[0] ?? '', /error="insufficient_scope".*scope="echo.admin"/);
    assert.equal((await call(routed, '/users/42', `Bearer ${keys.read}`)).status, 200);
    assert.equal((await call(routed, '/users/42/posts', `Bearer ${keys.read}`)).status, 403);
    assert.equal((await call(routed, '/files/a/b/c', `Bearer ${keys.read}`)).status, 200);
    assert.equal((await call(routed, '/elsewhere', `Bearer ${keys.read}`)).status, 403);
    // A key for the default audience is not one for the configured audience.
    assert.equal((await call(routed, '/users/42', `Bearer ${keys.plain}`)).status, 401);
  });

  it('with the JSON --config of the issue: admin scope under /admin/**, read scope elsewhere', async () => {
    assert.equal((await call(pinned, '/admin/users', `Bearer ${keys.admin}`, 'POST')).status, 200);
    assert.equal((await call(pinned, '/admin/users', `Bearer ${keys.read}`, 'POST')).status, 403);
    assert.equal((await call(pinned, '/orders/1', `Bearer ${keys.read}`)).status, 200);
    assert.equal((await call(pinned, '/orders/1', `Bearer ${keys.admin}`)).status, 403);
    // Not one of the listed methods: the /admin/** rule does not cover it, /** does.
    assert.equal((await call(pinned, '/admin/users', `Bearer ${keys.read}`, 'OPTIONS')).status, 200);
  });

  it('answers a 64 KB header with 431 and stays up', async () => {
    const port = Number(new URL(open.url).port);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
      });
      let got = '';
      socket.setEncoding('utf8').on('data', (c: string) => {
        got += c;
        if (got.includes('\r\n')) {
          socket.destroy();
          resolve(got.slice(0, got.indexOf('\r\n')));
        }
      });
      socket.on('error', reject);
    });
    assert.match(head, /^HTTP\/1\.1 431 /);
    assert.equal((await call(open, '/x', `Bearer ${keys.plain}`)).status, 200);
  });

  it('stops at start-up on a bad config, naming the bad key', async () => {
    const cases: [string, string, RegExp][] = [
      ['unknown.json', '{"routes": [{"path": "/x", "scope": ["a"]}]}', /routes\.0\.scope/],
      ['type.json', '{"audience": 5}', /audience/],
      ['typo-method.json', '{"routes": [{"path": "/admin/**", "methods": ["DELET"]}]}', /routes\.0\.methods\.0/],
      ['bad.yaml', 'routes:\n  - path: /x\n    scopes: [a\n', /not valid YAML/],
    ];
    for (const [name, text, names] of cases) {
      writeFileSync(join(dir, name), text);
      const run = await runCli([
        'gateway',
        '--upstream',
        upstream.url,
        '--listen',
        '127.0.0.1:0',
        '--data',
        dir,
        '--config',
        join(dir, name),
      ]);
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      assert.match(run.stderr, /TW_CONFIG_INVALID/, name);
      assert.match(run.stderr, names, name);
    }
  });
});
