import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AccessEvent, TokenWardenError } from '@tokenwarden/core';
import { loadGatewayConfig } from '../../src/gateway-config.js';
import { type ReverseProxy, startReverseProxy } from '../../src/reverse-proxy.js';
import { startEchoUpstream } from '../support/echo-upstream.js';
import { guardHarness } from '../support/guard-harness.js';

// The gateway terminating TLS itself: requests arrive encrypted (so a credential from any address is
// accepted, and the upstream is told the client used https), and a bad certificate stops start-up.
const openssl = spawnSync('openssl', ['version']).status === 0;

describe('gateway listening with TLS', { skip: openssl ? false : 'openssl is not installed (needed to make a test certificate)' }, () => {
  let dir: string;
  let cert: Buffer;
  let key: Buffer;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let h: Awaited<ReturnType<typeof guardHarness>>;
  let proxy: ReverseProxy;
  const events: AccessEvent[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-gw-tls-'));
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    cert = readFileSync(join(dir, 'cert.pem'));
    key = readFileSync(join(dir, 'key.pem'));
    upstream = await startEchoUpstream();
    h = await guardHarness({ routes: [{ path: '/**', scopes: ['echo.read'] }] }, { publishAccess: (batch) => void events.push(...batch) });
    proxy = await startReverseProxy({ guard: h.guard, upstream: upstream.url, port: 0, tls: { cert, key } });
  });
  after(async () => {
    await proxy?.close(100);
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(path, proxy.url);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers, ca: cert }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('serves https, admits a credential, and tells the upstream the client used https', async () => {
    assert.match(proxy.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const { raw } = h.source.createKey({ scopes: ['echo.read'] });
    const res = await get('/items', { authorization: `Bearer ${raw}` });
    assert.equal(res.status, 200, res.body);
    assert.equal(upstream.seen.at(-1)?.headers['x-forwarded-proto'], 'https');
    await h.guard.sink?.flush();
    assert.equal(events.at(-1)?.attributes?.secure, true);
  });

  it('stops start-up on a certificate and key that do not belong together, or a missing file', async () => {
    const other = spawnSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], { encoding: 'utf8' });
    assert.equal(other.status, 0, other.stderr);
    for (const wrong of [other.stdout, cert, 'not a key']) {
      await assert.rejects(
        startReverseProxy({ guard: h.guard, upstream: upstream.url, port: 0, tls: { cert, key: wrong } }),
        (e: unknown) =>
          e instanceof TokenWardenError && e.code === 'TW_CONFIG_INVALID' && /TLS certificate and key cannot be used/.test(e.message),
      );
    }
    writeFileSync(join(dir, 'gateway.yaml'), 'tls:\n  cert: cert.pem\n  key: missing.pem\n');
    const config = loadGatewayConfig(join(dir, 'gateway.yaml'));
    assert.deepEqual(config.tls, { cert: join(dir, 'cert.pem'), key: join(dir, 'missing.pem') }, 'paths are relative to the config file');
  });
});
