// A DPoP proof is good once across every `tokenwarden gateway` process on one --data directory
// (RFC 9449 §11.1), end to end: a real token service issues a DPoP-bound token through the
// client_credentials grant, two gateway processes guard one upstream, and a proof admitted by one
// is refused by the other, also when both receive it at the same moment.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freeLocalPort } from '@tokenwarden/core/testing';
import { type Database, openDatabase, storeMigrations } from '@tokenwarden/store';
import { openTokenService, recordServiceIdentity, type TokenService, tokenServiceMigrations } from '@tokenwarden/token-service';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { request } from 'undici';
import { gatewayMigrations } from '../../src/migrations.js';
import { startEchoUpstream } from '../support/echo-upstream.js';
import { type GatewayProcess, spawnGateway } from '../support/spawn-gateway.js';

describe('DPoP proofs across two gateway processes sharing --data', { timeout: 300_000 }, () => {
  let service: TokenService;
  let database: Database;
  let issuer: string;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  const gateways: GatewayProcess[] = [];
  let token: string;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwk: JWK;

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tw-gw-dpop-'));
    const port = await freeLocalPort();
    issuer = `http://127.0.0.1:${port}`;
    // What `tokenwarden serve --issuer` does: record the issuer, which the gateways read from --data.
    database = await openDatabase({
      store: { driver: 'sqlite' },
      dataDir,
      migrations: [...storeMigrations, ...tokenServiceMigrations, ...gatewayMigrations],
    });
    await recordServiceIdentity(database, { issuer, audience: `${issuer}/api` });
    service = await openTokenService({ dataDir, database, issuer, keyRefreshMs: 0 });
    await service.listen(`127.0.0.1:${port}`);
    upstream = await startEchoUpstream();
    const args = ['--upstream', upstream.url, '--listen', '127.0.0.1:0', '--data', dataDir];
    gateways.push(...(await Promise.all([0, 1].map(() => spawnGateway(args)))));
    // A DPoP-bound access token from the token endpoint (client_credentials, RFC 9449 §5).
    const client = await service.admin.createClient({ name: 'worker', grantTypes: ['client_credentials'], scopes: ['echo.read'] });
    keys = await generateKeyPair('ES256');
    jwk = await exportJWK(keys.publicKey);
    const tokenUrl = `${issuer}/token`;
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        dpop: await proof('POST', tokenUrl),
      },
      body: 'grant_type=client_credentials&scope=echo.read',
    });
    const body = (await response.json()) as { access_token?: string; token_type?: string };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.token_type?.toLowerCase(), 'dpop');
    token = body.access_token as string;
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { cnf?: { jkt?: string } };
    assert.equal(payload.cnf?.jkt, await calculateJwkThumbprint(jwk));
  });

  after(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await service?.close();
    await database?.close();
    await upstream?.close();
  });

  async function proof(method: string, url: string, accessToken?: string): Promise<string> {
    const claims: Record<string, unknown> = { htm: method, htu: url, jti: randomUUID() };
    if (accessToken) claims.ath = Buffer.from(await crypto.subtle.digest('SHA-256', Buffer.from(accessToken))).toString('base64url');
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(keys.privateKey);
  }

  // The proof names one URL: both gateways are reached through the same host name and path.
  const send = async (gateway: GatewayProcess, dpop: string): Promise<{ status: number; wwwAuthenticate: string }> => {
    const port = new URL(gateway.url).port;
    const res = await request(`http://127.0.0.1:${port}/orders`, {
      headers: { host: 'api.local', authorization: `DPoP ${token}`, dpop },
    });
    await res.body.dump();
    return { status: res.statusCode, wwwAuthenticate: String(res.headers['www-authenticate'] ?? '') };
  };

  it('a proof admitted by one gateway is refused as a replay by the other, and a fresh proof passes', async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const first = await proof('GET', 'http://api.local/orders', token);
    assert.equal((await send(a, first)).status, 200);
    const replayed = await send(b, first);
    assert.equal(replayed.status, 401);
    assert.match(replayed.wwwAuthenticate, /DPoP .*error="invalid_dpop_proof"/);
    assert.equal((await send(a, first)).status, 401, 'and by the first gateway too');
    assert.equal((await send(b, await proof('GET', 'http://api.local/orders', token))).status, 200);
  });

  it('the same proof sent to both gateways at the same moment is admitted exactly once (20 proofs)', async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    for (let i = 0; i < 20; i++) {
      const p = await proof('GET', 'http://api.local/orders', token);
      const statuses = (await Promise.all([send(a, p), send(b, p), send(a, p), send(b, p)])).map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, `proof ${i}: ${statuses.join(',')}`);
      assert.ok(statuses.every((s) => s === 200 || s === 401));
    }
  });
});
