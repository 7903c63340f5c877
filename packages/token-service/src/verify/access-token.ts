import { createHash } from 'node:crypto';
import { TokenWardenError } from '@tokenwarden/core';
import { calculateJwkThumbprint, createLocalJWKSet, EmbeddedJWK, type JWK, type JWTPayload, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { SIGNING_ALG } from '../storage/signing-keys.js';

/** Claims of a verified RFC 9068 access token. */
export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id: string;
  jti: string;
  iat: number;
  exp: number;
  scope?: string;
  cnf?: { jkt?: string };
  /** Grant (refresh-token family) id, so a grant revocation reaches tokens already issued. */
  tw_gid?: string;
}

/** A DPoP proof presented with a request, and the request it must match. */
export interface DpopPresentation {
  proof: string;
  method: string;
  /** The full request URL; query and fragment are ignored as RFC 9449 §4.3 says. */
  url: string;
}

/** How to verify access tokens locally. */
export interface AccessTokenVerifierOptions {
  issuer: string;
  /** Accepted audiences; a token must name at least one. */
  audience: string | string[];
  jwks: { keys: JWK[] };
  clockToleranceS?: number;
  /** Window in which a DPoP proof's `iat` is accepted (default 60 s either way). */
  dpopWindowS?: number;
  /** Clock in epoch milliseconds (tests); default Date.now. */
  now?: () => number;
}

/** Verifies access tokens and DPoP proofs without a network call. */
export interface AccessTokenVerifier {
  /**
   * Verifies a token. `allowUnproven` skips the DPoP proof requirement for a bound token (only for
   * introspection, which reports `cnf` to the caller instead of accepting the request).
   */
  verify(token: string, dpop?: DpopPresentation, options?: { allowUnproven?: boolean }): Promise<AccessTokenClaims>;
}

function fail(code: 'TW_TOKEN_INVALID' | 'TW_DPOP_INVALID', message: string, cause?: unknown): never {
  throw new TokenWardenError(code, message, {
    hint: code === 'TW_DPOP_INVALID' ? 'send a fresh DPoP proof for this request signed by the bound key' : 'obtain a new access token',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Builds a local verifier for our JWT access tokens: the algorithm is pinned to EdDSA (so `none`
 * and HS/RS key confusion cannot pass), the key must be one of our published keys by `kid`
 * (no `jku`/`x5u`/embedded keys are ever fetched or trusted), `typ` must be `at+jwt`, issuer,
 * audience, expiry, and `iat` not in the future are enforced, and a token with `cnf.jkt` is
 * accepted only with a valid DPoP proof (RFC 9449 §4.3 checks, replay-checked per process).
 *
 * @example
 * ```ts
 * const verifier = createAccessTokenVerifier({ issuer, audience, jwks: await view.jwks() });
 * const claims = await verifier.verify(token, { proof: req.headers.dpop, method: 'GET', url });
 * ```
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const keySet = createLocalJWKSet(options.jwks);
  const tolerance = options.clockToleranceS ?? 5;
  const window = options.dpopWindowS ?? 60;
  const seenProofs = new LRUCache<string, true>({ max: 100_000, ttl: (window * 2 + tolerance) * 1000 });
  const audience = Array.isArray(options.audience) ? options.audience : [options.audience];
  const clock = options.now ?? Date.now;

  return {
    async verify(token, dpop, verifyOptions) {
      let claims: AccessTokenClaims;
      try {
        const result = await jwtVerify(token, keySet, {
          algorithms: [SIGNING_ALG],
          typ: 'at+jwt',
          issuer: options.issuer,
          audience,
          clockTolerance: tolerance,
          currentDate: new Date(clock()),
          requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
        });
        claims = result.payload as AccessTokenClaims;
      } catch (e) {
        fail('TW_TOKEN_INVALID', `access token rejected: ${(e as { code?: string }).code ?? 'invalid'}`, e);
      }
      if (claims.iat > Math.floor(clock() / 1000) + tolerance) fail('TW_TOKEN_INVALID', 'access token iat is in the future');
      const jkt = claims.cnf?.jkt;
      if (jkt && !dpop?.proof && verifyOptions?.allowUnproven) return claims;
      if (jkt) {
        if (!dpop?.proof) fail('TW_DPOP_INVALID', 'DPoP-bound access token presented without a DPoP proof');
        await verifyDpopProof(dpop, token, jkt, window, seenProofs, clock);
      } else if (dpop?.proof) {
        fail('TW_DPOP_INVALID', 'DPoP proof presented with an access token that is not DPoP-bound');
      }
      return claims;
    },
  };
}

async function verifyDpopProof(
  dpop: DpopPresentation,
  token: string,
  jkt: string,
  window: number,
  seen: LRUCache<string, true>,
  clock: () => number,
): Promise<void> {
  let payload: JWTPayload;
  let jwk: JWK | undefined;
  try {
    const result = await jwtVerify(dpop.proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'],
    });
    payload = result.payload;
    jwk = result.protectedHeader.jwk;
  } catch (e) {
    fail('TW_DPOP_INVALID', `DPoP proof rejected: ${(e as { code?: string }).code ?? 'invalid'}`, e);
  }
  if (!jwk || (await calculateJwkThumbprint(jwk)) !== jkt) fail('TW_DPOP_INVALID', 'DPoP proof key does not match the token binding');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0) fail('TW_DPOP_INVALID', 'DPoP proof has no jti');
  if (payload.htm !== dpop.method.toUpperCase()) fail('TW_DPOP_INVALID', 'DPoP proof htm does not match the request method');
  if (typeof payload.htu !== 'string' || normaliseHtu(payload.htu) !== normaliseHtu(dpop.url)) {
    fail('TW_DPOP_INVALID', 'DPoP proof htu does not match the request URL');
  }
  const now = Math.floor(clock() / 1000);
  if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > window)
    fail('TW_DPOP_INVALID', 'DPoP proof iat is outside the window');
  const ath = createHash('sha256').update(token).digest('base64url');
  if (payload.ath !== ath) fail('TW_DPOP_INVALID', 'DPoP proof ath does not match the access token');
  const replayKey = `${jkt}:${payload.jti}`;
  if (seen.has(replayKey)) fail('TW_DPOP_INVALID', 'DPoP proof replayed');
  seen.set(replayKey, true);
}

function normaliseHtu(value: string): string {
  const url = URL.parse(value);
  if (!url) return '';
  url.search = '';
  url.hash = '';
  return url.href;
}
