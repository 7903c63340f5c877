import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { basicAuth, type ClientCredentials } from '../support/client-requests.js';
import { refresh, runCodeFlow } from '../support/code-flow.js';
import { type Harness, insecure, startHarness } from '../support/harness.js';

interface ProofKey {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function proofKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: await exportJWK(publicKey) };
}

/** An RFC 9449 proof: valid for POST /token now, unless `claims` say otherwise. */
async function proof(key: ProofKey, htu: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ htm: 'POST', htu, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}

interface Answer {
  status: number;
  body: { error?: string; error_description?: string; access_token?: string };
  nonce: string | null;
}

// RFC 9449 §5 and §11.1: the token endpoint answers every invalid DPoP proof, a replayed one included,
// with 400 invalid_dpop_proof (and use_dpop_nonce only when the server wants a nonce), never with
// invalid_grant, which tells the client its grant (code, refresh token) is bad and should be dropped.
describe('invalid DPoP proofs at the token endpoint', () => {
  let h: Harness;
  let client: ClientCredentials;
  let tokenUrl: string;
  before(async () => {
    h = await startHarness();
    const created = await h.service.admin.createClient({ name: 'svc', grantTypes: ['client_credentials'], scopes: ['read'], dpop: true });
    client = { id: created.client_id, secret: created.client_secret as string };
    tokenUrl = h.as.token_endpoint as string;
  });
  after(() => h.close());

  const token = async (dpop: string): Promise<Answer> => {
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client), dpop },
      body: 'grant_type=client_credentials&scope=read',
    });
    return { status: res.status, body: (await res.json()) as Answer['body'], nonce: res.headers.get('dpop-nonce') };
  };
  const assertInvalidProof = (answer: Answer, what: string): void => {
    assert.equal(answer.status, 400, `${what}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error, 'invalid_dpop_proof', `${what}: ${JSON.stringify(answer.body)}`);
  };

  it('answers a replayed proof with invalid_dpop_proof, not invalid_grant, and reports it', async () => {
    const key = await proofKey();
    const once = await proof(key, tokenUrl);
    const first = await token(once);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const failuresBefore = h.events.filter((e) => e.type === 'dpop.failure').length;
    assertInvalidProof(await token(once), 'replayed proof');
    const failures = h.events.filter((e) => e.type === 'dpop.failure').slice(failuresBefore);
    assert.equal(failures.length, 1, 'the replay is a dpop.failure event');
    assert.equal(failures[0]?.client_id, client.id);
  });

  it('answers a wrong htm, a wrong htu, a bad signature and a stale iat with invalid_dpop_proof', async () => {
    const key = await proofKey();
    assertInvalidProof(await token(await proof(key, tokenUrl, { htm: 'GET' })), 'wrong htm');
    assertInvalidProof(await token(await proof(key, 'https://elsewhere.example/token')), 'wrong htu');
    const good = await proof(key, tokenUrl);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    assertInvalidProof(await token(`${header}.${payload}.${flipped}`), 'bad signature');
    const other = await proofKey();
    const signedByOther = await new SignJWT({ htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000), jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .sign(other.privateKey);
    assertInvalidProof(await token(signedByOther), 'signed by another key than the one it names');
    assertInvalidProof(await token(await proof(key, tokenUrl, { iat: Math.floor(Date.now() / 1000) - 3600 })), 'stale iat');
    assertInvalidProof(await token(await proof(key, tokenUrl, { iat: Math.floor(Date.now() / 1000) + 3600 })), 'iat in the future');
  });

  it('refuses a replayed proof at a refresh with invalid_dpop_proof and leaves the refresh token usable', async () => {
    const s = await runCodeFlow(h, { public: true });
    // A proof the client really sent (its key is inside oauth4webapi's DPoP handle), captured on the way out.
    let sent: string | undefined;
    const capture = (url: string, init: RequestInit): Promise<Response> => {
      sent = new Headers(init.headers).get('dpop') ?? undefined;
      return fetch(url, init);
    };
    const response = await oauth.refreshTokenGrantRequest(h.as, s.client, s.clientAuth, s.tokens.refresh_token as string, {
      DPoP: s.DPoP as oauth.DPoPHandle,
      [oauth.customFetch]: capture,
      ...insecure,
    });
    const next = await oauth.processRefreshTokenResponse(h.as, s.client, response);
    assert.ok(sent && next.refresh_token);
    const replayed = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: sent },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: next.refresh_token,
        client_id: s.client.client_id,
      }).toString(),
    });
    assert.equal(replayed.status, 400);
    assert.equal(((await replayed.json()) as { error: string }).error, 'invalid_dpop_proof');
    const after = await refresh(h, s, next.refresh_token);
    assert.equal(after.token_type, 'dpop', 'the refresh token was not consumed by the refused request');
  });

  it('hands out no DPoP nonce when none is required', async () => {
    const answer = await token(await proof(await proofKey(), tokenUrl));
    assert.equal(answer.status, 200);
    assert.equal(answer.nonce, null);
  });
});

describe('DPoP proofs at the token endpoint when nonces are required', () => {
  let h: Harness;
  let client: ClientCredentials;
  let tokenUrl: string;
  before(async () => {
    h = await startHarness({ settings: { dpopRequireNonce: true } });
    const created = await h.service.admin.createClient({ name: 'svc', grantTypes: ['client_credentials'], scopes: ['read'], dpop: true });
    client = { id: created.client_id, secret: created.client_secret as string };
    tokenUrl = h.as.token_endpoint as string;
  });
  after(() => h.close());

  const token = async (dpop: string): Promise<Answer> => {
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client), dpop },
      body: 'grant_type=client_credentials&scope=read',
    });
    return { status: res.status, body: (await res.json()) as Answer['body'], nonce: res.headers.get('dpop-nonce') };
  };

  it('asks for a nonce with use_dpop_nonce, accepts it, and still refuses a replay with invalid_dpop_proof', async () => {
    const key = await proofKey();
    const first = await token(await proof(key, tokenUrl));
    assert.equal(first.status, 400);
    assert.equal(first.body.error, 'use_dpop_nonce');
    assert.ok(first.nonce, 'the DPoP-Nonce header carries the nonce to use');
    const stale = await token(await proof(key, tokenUrl, { iat: Math.floor(Date.now() / 1000) - 3600 }));
    assert.equal(stale.body.error, 'use_dpop_nonce', 'a stale proof without a nonce is asked for one too');
    const withNonce = await proof(key, tokenUrl, { nonce: first.nonce });
    assert.equal((await token(withNonce)).status, 200);
    const replay = await token(withNonce);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_dpop_proof');
    const wrongHtu = await token(await proof(key, 'https://elsewhere.example/token', { nonce: first.nonce }));
    assert.equal(wrongHtu.body.error, 'invalid_dpop_proof');
  });
});
