import assert from 'node:assert/strict';
import { createHash, createSecretKey, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { type AccessTokenVerifier, createAccessTokenVerifier } from '../../src/index.js';
import { type Harness, insecure, startHarness } from '../support/harness.js';

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('adversarial access tokens and DPoP proofs', () => {
  let h: Harness;
  let verifier: AccessTokenVerifier;
  let bound: { token: string; keyPair: oauth.CryptoKeyPair; jwk: JWK };
  let payload: Record<string, unknown>;
  let publicJwk: JWK;
  const resourceUrl = 'https://api.example.test/orders';

  const rejectsWith = (code: 'TW_TOKEN_INVALID' | 'TW_DPOP_INVALID') => (e: unknown) => isErrorCode(e, code);

  const proof = async (
    overrides: Record<string, unknown> = {},
    keyPair = bound.keyPair,
    jwk = bound.jwk,
    token = bound.token,
  ): Promise<string> =>
    new SignJWT({
      htm: 'GET',
      htu: resourceUrl,
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      ath: createHash('sha256').update(token).digest('base64url'),
      ...overrides,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(keyPair.privateKey);

  before(async () => {
    h = await startHarness();
    verifier = createAccessTokenVerifier({ issuer: h.issuer, audience: h.service.view.defaultAudience, jwks: await h.service.view.jwks() });
    publicJwk = (await h.service.view.jwks()).keys[0] as JWK;
    const created = await h.service.admin.createClient({ name: 'svc', grantTypes: ['client_credentials'], scopes: ['read'], dpop: true });
    const client: oauth.Client = { client_id: created.client_id };
    const keyPair = await oauth.generateKeyPair('ES256', { extractable: true });
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      client,
      oauth.ClientSecretBasic(created.client_secret as string),
      new URLSearchParams({ scope: 'read' }),
      { DPoP: oauth.DPoP(client, keyPair), ...insecure },
    );
    const tokens = await oauth.processClientCredentialsResponse(h.as, client, response);
    const jwk = await exportJWK(keyPair.publicKey);
    bound = { token: tokens.access_token, keyPair, jwk };
    payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] as string, 'base64url').toString());
    assert.equal((payload.cnf as { jkt: string }).jkt, await calculateJwkThumbprint(jwk));
  });
  after(() => h.close());

  it('accepts the genuine token with a fresh proof', async () => {
    const claims = await verifier.verify(bound.token, { proof: await proof(), method: 'GET', url: `${resourceUrl}?page=2` });
    assert.equal(claims.scope, 'read');
  });

  it('rejects alg none', async () => {
    const forged = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(payload)}.`;
    await assert.rejects(verifier.verify(forged), rejectsWith('TW_TOKEN_INVALID'));
  });

  it('rejects HS256 signed with the public key (key confusion)', async () => {
    const secret = createSecretKey(Buffer.from(JSON.stringify(publicJwk)));
    const forged = await new SignJWT({ ...payload, cnf: undefined })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: publicJwk.kid as string })
      .sign(secret);
    await assert.rejects(verifier.verify(forged), rejectsWith('TW_TOKEN_INVALID'));
    const rawX = createSecretKey(Buffer.from(publicJwk.x as string, 'base64url'));
    const forged2 = await new SignJWT({ ...payload, cnf: undefined }).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(rawX);
    await assert.rejects(verifier.verify(forged2), rejectsWith('TW_TOKEN_INVALID'));
  });

  it('rejects a token whose kid points at a key we never published (or embeds/links its own)', async () => {
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    for (const header of [
      { kid: 'attacker-key' },
      { kid: publicJwk.kid as string },
      { jwk: attackerJwk },
      { jku: 'https://attacker.example/jwks.json', kid: 'x' },
    ]) {
      const forged = await new SignJWT({ ...payload, cnf: undefined })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', ...header })
        .sign(attacker.privateKey);
      await assert.rejects(verifier.verify(forged), rejectsWith('TW_TOKEN_INVALID'), JSON.stringify(header));
    }
  });

  it('rejects a wrong audience, an expired token and an iat in the future', async () => {
    const other = createAccessTokenVerifier({ issuer: h.issuer, audience: 'https://other.example', jwks: await h.service.view.jwks() });
    await assert.rejects(
      other.verify(bound.token, { proof: await proof(), method: 'GET', url: resourceUrl }),
      rejectsWith('TW_TOKEN_INVALID'),
    );
    const jwks = await h.service.view.jwks();
    const audience = h.service.view.defaultAudience;
    // An hour later the 5-minute token has expired.
    const later = Date.now() + 3600_000;
    const lateVerifier = createAccessTokenVerifier({ issuer: h.issuer, audience, jwks, now: () => later });
    const lateProof = await proof({ iat: Math.floor(later / 1000) });
    await assert.rejects(
      lateVerifier.verify(bound.token, { proof: lateProof, method: 'GET', url: resourceUrl }),
      rejectsWith('TW_TOKEN_INVALID'),
    );
    // An hour earlier its iat lies in the future.
    const earlier = Date.now() - 3600_000;
    const earlyVerifier = createAccessTokenVerifier({ issuer: h.issuer, audience, jwks, now: () => earlier });
    const earlyProof = await proof({ iat: Math.floor(earlier / 1000) });
    await assert.rejects(
      earlyVerifier.verify(bound.token, { proof: earlyProof, method: 'GET', url: resourceUrl }),
      rejectsWith('TW_TOKEN_INVALID'),
    );
  });

  it('rejects a DPoP-bound token presented as a plain Bearer token', async () => {
    await assert.rejects(verifier.verify(bound.token), rejectsWith('TW_DPOP_INVALID'));
  });

  it('rejects a replayed DPoP proof', async () => {
    const once = await proof();
    await verifier.verify(bound.token, { proof: once, method: 'GET', url: resourceUrl });
    await assert.rejects(verifier.verify(bound.token, { proof: once, method: 'GET', url: resourceUrl }), rejectsWith('TW_DPOP_INVALID'));
  });

  it('rejects wrong htm, wrong htu, stale iat, wrong ath and a proof signed by another key', async () => {
    const attempts: [string, Promise<string>, string?][] = [
      ['htm', proof({ htm: 'POST' })],
      ['htu', proof({ htu: 'https://api.example.test/other' })],
      ['iat', proof({ iat: Math.floor(Date.now() / 1000) - 600 })],
      ['ath', proof({ ath: createHash('sha256').update('another token').digest('base64url') })],
    ];
    for (const [what, p] of attempts) {
      await assert.rejects(
        verifier.verify(bound.token, { proof: await p, method: 'GET', url: resourceUrl }),
        rejectsWith('TW_DPOP_INVALID'),
        what,
      );
    }
    const thief = await generateKeyPair('ES256', { extractable: true });
    const thiefProof = await proof({}, thief, await exportJWK(thief.publicKey));
    await assert.rejects(
      verifier.verify(bound.token, { proof: thiefProof, method: 'GET', url: resourceUrl }),
      rejectsWith('TW_DPOP_INVALID'),
    );
  });

  it('refuses a replayed DPoP proof at the token endpoint (atomic replay store)', async () => {
    const created = await h.service.admin.createClient({ name: 'replay', grantTypes: ['client_credentials'], scopes: ['read'] });
    const keyPair = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(keyPair.publicKey);
    const tokenUrl = h.as.token_endpoint as string;
    const dpop = await new SignJWT({ htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000), jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(keyPair.privateKey);
    const send = () =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          dpop,
        },
        body: 'grant_type=client_credentials&scope=read',
      });
    const results = await Promise.all(Array.from({ length: 8 }, send));
    const ok = results.filter((r) => r.status === 200).length;
    assert.equal(ok, 1, 'exactly one of eight concurrent uses of one proof succeeds');
    const wrongHtm = await new SignJWT({ htm: 'GET', htu: tokenUrl, iat: Math.floor(Date.now() / 1000), jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(keyPair.privateKey);
    const bad = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        dpop: wrongHtm,
      },
      body: 'grant_type=client_credentials&scope=read',
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: string }).error, 'invalid_dpop_proof');
    assert.ok(h.events.some((e) => e.type === 'dpop.failure'));
  });
});
