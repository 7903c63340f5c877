import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freeLocalPort } from '@tokenwarden/core/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { openTokenService, type TokenService } from '../../src/index.js';
import { basicAuth } from '../support/client-requests.js';
import { REDIRECT_URI } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with headers fetch() will not send as given (`Host`). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Every absolute http(s) URL anywhere in a JSON document. */
function urlsIn(value: unknown): string[] {
  if (typeof value === 'string') return /^https?:\/\//.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(urlsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(urlsIn);
  return [];
}

const FORGED: Record<string, Record<string, string>> = {
  'a forged Host': { host: 'evil.example' },
  'forged X-Forwarded-Host and -Proto': {
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    forwarded: 'host=evil.example;proto=https',
  },
  'all of them': { host: 'evil.example:8443', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
};

// Clients discover every endpoint from the metadata and trust it, so the metadata, the redirects and
// the URL a DPoP proof is checked against must name the configured issuer, whatever Host or
// X-Forwarded-* header a request carries (RFC 8414 §3.3, RFC 9449 §4.3).
describe('URLs the token service emits are on the issuer origin', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  for (const [what, headers] of Object.entries(FORGED)) {
    it(`publishes metadata naming only the issuer's origin under ${what}`, async () => {
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const answer = await raw(`${h.issuer}${path}`, { headers });
        assert.equal(answer.status, 200);
        assert.doesNotMatch(answer.body, /evil\.example|https:/, `${path} names no forged host or scheme`);
        const metadata = JSON.parse(answer.body) as Record<string, unknown>;
        assert.equal(metadata.issuer, h.issuer);
        const urls = urlsIn(metadata);
        assert.ok(urls.length >= 8, `endpoints listed: ${urls.join(' ')}`);
        for (const url of urls) assert.equal(new URL(url).origin, h.issuer, `${path}: ${url}`);
        assert.equal(metadata.token_endpoint, `${h.issuer}/token`);
        assert.equal(metadata.jwks_uri, `${h.issuer}/jwks`);
      }
    });
  }

  it('redirects a sign-in through /interaction and back on the issuer origin under a forged Host', async () => {
    const login = `user${randomUUID().slice(0, 8)}`;
    const password = 'correct horse battery staple';
    await h.service.admin.createUser({ login, password });
    const created = await h.service.admin.createClient({
      name: 'web',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REDIRECT_URI],
      scopes: ['read'],
    });
    const auth = new URL(`${h.issuer}/auth`);
    auth.searchParams.set('client_id', created.client_id);
    auth.searchParams.set('redirect_uri', REDIRECT_URI);
    auth.searchParams.set('response_type', 'code');
    auth.searchParams.set('scope', 'openid read');
    auth.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()));
    auth.searchParams.set('code_challenge_method', 'S256');
    const cookies = new Map<string, string>();
    const locations: string[] = [];
    let url = auth.href;
    for (let hop = 0; hop < 12 && !url.startsWith(REDIRECT_URI); hop++) {
      const headers: Record<string, string> = { host: 'evil.example', cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
      // Requests go to the service itself; only its Host header is forged.
      const target = `${h.issuer}${new URL(url).pathname}${new URL(url).search}`;
      let answer = await raw(target, { headers });
      const keep = (a: RawAnswer): void => {
        for (const line of ([] as string[]).concat(a.headers['set-cookie'] ?? [])) {
          const [pair] = line.split(';');
          const eq = (pair ?? '').indexOf('=');
          if (eq > 0) cookies.set((pair as string).slice(0, eq), (pair as string).slice(eq + 1));
        }
      };
      keep(answer);
      if (answer.status === 200 && new URL(url).pathname.startsWith('/interaction/')) {
        headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        headers['content-type'] = 'application/x-www-form-urlencoded';
        answer = await raw(target, { method: 'POST', headers, body: new URLSearchParams({ login, password }).toString() });
        keep(answer);
      }
      const location = answer.headers.location;
      assert.ok(typeof location === 'string', `stopped at ${url} with ${answer.status}: ${answer.body.slice(0, 200)}`);
      locations.push(location);
      url = new URL(location, h.issuer).href;
    }
    assert.ok(url.startsWith(REDIRECT_URI), `reached the client: ${locations.join(' → ')}`);
    assert.ok(
      locations.some((l) => l.includes('/interaction/')),
      'went through the login interaction',
    );
    for (const location of locations.filter((l) => !l.startsWith(REDIRECT_URI))) {
      assert.equal(new URL(location, 'http://relative.invalid').origin, h.issuer, `redirect ${location}`);
    }
    assert.equal(new URL(url).searchParams.get('iss'), h.issuer);
  });

  it('names the issuer, not the Host header, on the sign-out page', async () => {
    const answer = await raw(`${h.issuer}/session/end`, { headers: { host: 'evil.example', accept: 'text/html' } });
    assert.equal(answer.status, 200);
    assert.doesNotMatch(answer.body, /evil\.example/);
    assert.match(answer.body, new RegExp(`action="${h.issuer}/session/end/confirm"`));
    assert.match(answer.body, new RegExp(new URL(h.issuer).host.replace(/\./g, '\\.')));
  });
});

// Behind a TLS-terminating proxy the service is reached over plain HTTP at another address, while
// clients make their proofs for the public https issuer URL (which is what the metadata tells them).
describe('DPoP proofs at the token endpoint are checked against the issuer URL', () => {
  const issuer = 'https://auth.example.test';
  let service: TokenService;
  let dataDir: string;
  let local: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-origin-'));
    const port = await freeLocalPort();
    service = await openTokenService({ dataDir, issuer, keyRefreshMs: 0 });
    await service.listen(`127.0.0.1:${port}`);
    local = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const tokenWithProof = async (htu: string, headers: Record<string, string>): Promise<{ status: number; error?: string }> => {
    const created = await service.admin.createClient({ name: 'svc', grantTypes: ['client_credentials'], scopes: ['read'], dpop: true });
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const dpop = await new SignJWT({ htm: 'POST', htu, iat: Math.floor(Date.now() / 1000), jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    const answer = await raw(`${local}/token`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth({ id: created.client_id, secret: created.client_secret as string }),
        dpop,
      },
      body: 'grant_type=client_credentials&scope=read',
    });
    return { status: answer.status, ...(JSON.parse(answer.body) as { error?: string }) };
  };

  it('accepts a proof for https://issuer/token arriving over plain HTTP from the proxy', async () => {
    const proxied = { host: 'auth.example.test', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };
    assert.equal((await tokenWithProof(`${issuer}/token`, proxied)).status, 200, 'through the proxy');
    const direct = await tokenWithProof(`${issuer}/token`, {});
    assert.equal(direct.status, 200, 'whatever Host it arrives with');
  });

  it('refuses a proof for any other URL, even the one the request arrived at or claims', async () => {
    for (const [htu, headers] of [
      ['http://evil.example/token', { host: 'evil.example' }],
      ['https://evil.example/token', { host: 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' }],
      [`${local}/token`, {}],
      ['http://auth.example.test/token', { host: 'auth.example.test' }],
    ] as const) {
      const answer = await tokenWithProof(htu, headers);
      assert.equal(answer.status, 400, htu);
      assert.equal(answer.error, 'invalid_dpop_proof', htu);
    }
  });
});
