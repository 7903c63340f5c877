import { errors, type JWTPayload, jwtVerify } from 'jose';
import type { JwksCache } from './jwks-cache.js';
import type { VerificationResult, VerifiedCredential } from './verified-credential.js';

/**
 * Verifies an RFC 9068 JWT access token (`typ: at+jwt`) against the cached JWKS: signature with an
 * algorithm allowlist (so `none`, `HS*` and unknown `kid`s fail), issuer, expiry, not-before, `iat`
 * not in the future (the same clock tolerance), and the claims RFC 9068 §2.2 requires in the types
 * it gives them (`exp`, `iat`, `sub`, `jti`, a string `client_id`, and `scope`, when present, a
 * space-separated string: §2.2.3). Audience and scopes are checked per route by the caller.
 *
 * @example
 * ```ts
 * const r = await verifyJwtAccessToken(token, { keys, issuer: source.issuer, algorithms: ['EdDSA'] });
 * if (r.ok) r.credential.scopes;
 * ```
 */
export async function verifyJwtAccessToken(
  token: string,
  options: { keys: JwksCache; issuer: string; algorithms: readonly string[]; clockToleranceSeconds?: number },
): Promise<VerificationResult> {
  let payload: JWTPayload;
  const tolerance = options.clockToleranceSeconds ?? 5;
  try {
    ({ payload } = await jwtVerify(token, (header) => options.keys.keyFor(header), {
      issuer: options.issuer,
      algorithms: [...options.algorithms],
      typ: 'at+jwt',
      clockTolerance: tolerance,
      // jose also refuses an `iat` (like `exp` and `nbf`) that is not a number.
      requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id'],
    }));
  } catch (e) {
    // jose checks claims only after the signature verified: an expired token's claims are genuine.
    if (e instanceof errors.JWTExpired) {
      return { ok: false, failure: 'expired', known: { credential: credentialFromClaims(e.payload, 'jwt'), status: 'expired' } };
    }
    if (e instanceof errors.JOSEAlgNotAllowed) return { ok: false, failure: 'algorithm' };
    if (e instanceof errors.JWKSNoMatchingKey) return { ok: false, failure: 'unknown' };
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'nbf') return { ok: false, failure: 'not_yet_valid' };
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'typ') return { ok: false, failure: 'wrong_type' };
    if (e instanceof errors.JWTClaimValidationFailed && (e.reason === 'missing' || e.reason === 'invalid'))
      return { ok: false, failure: 'invalid_claims' };
    if (e instanceof errors.JOSEError) return { ok: false, failure: 'signature' };
    return { ok: false, failure: 'unavailable' };
  }
  // Checked once per verification: only a result that passed is ever cached. An `iat` in the
  // future is refused as the token service's own verifier refuses it (and with its tolerance).
  if ((payload.iat as number) > Date.now() / 1000 + tolerance) return { ok: false, failure: 'not_yet_valid' };
  if (typeof payload.client_id !== 'string' || (payload.scope !== undefined && typeof payload.scope !== 'string'))
    return { ok: false, failure: 'invalid_claims' };
  return { ok: true, credential: credentialFromClaims(payload, 'jwt') };
}

/**
 * Maps access-token claims (from a JWT or an introspection answer) to a verified credential.
 *
 * @example
 * ```ts
 * credentialFromClaims({ sub: 'u1', jti: 't1', scope: 'a b', aud: 'x', exp: 2e9 }, 'jwt').scopes; // ['a', 'b']
 * ```
 */
export function credentialFromClaims(claims: Record<string, unknown>, kind: 'jwt' | 'opaque'): VerifiedCredential {
  const scope = claims.scope;
  const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : Array.isArray(scope) ? scope.map(String) : [];
  const aud = claims.aud;
  const audience = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [];
  const cnf = claims.cnf as { jkt?: unknown } | undefined;
  const credential: VerifiedCredential = {
    kind,
    id: typeof claims.jti === 'string' ? claims.jti : '',
    subject: typeof claims.sub === 'string' ? claims.sub : '',
    scopes,
    audience,
    canary: claims.canary === true,
  };
  if (typeof claims.client_id === 'string') credential.clientId = claims.client_id;
  const grant = claims.tw_gid ?? claims.grant_id;
  if (typeof grant === 'string') credential.grantId = grant;
  if (typeof claims.exp === 'number') credential.expiresAt = claims.exp * 1000;
  if (typeof claims.nbf === 'number') credential.notBefore = claims.nbf * 1000;
  if (typeof claims.iat === 'number') credential.issuedAt = claims.iat * 1000;
  if (cnf && typeof cnf.jkt === 'string') credential.jkt = cnf.jkt;
  return credential;
}
