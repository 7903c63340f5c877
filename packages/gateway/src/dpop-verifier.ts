import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, errors, type JWK, jwtVerify } from 'jose';
import type { DpopNonces } from './dpop-nonce.js';
import type { JtiReplayStore } from './jti-replay-store.js';

/** What a proof is checked against. */
export interface DpopCheck {
  proof: string | string[] | undefined;
  method: string;
  /** The URL the client used (scheme://host/path), compared without query and fragment. */
  url: string;
  accessToken: string;
  /** `cnf.jkt` of the access token. */
  jkt: string | undefined;
}

/** Outcome of a DPoP proof check. */
export type DpopOutcome =
  | { ok: true; jkt: string }
  | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token'; reason: string };

/** Settings of {@link DpopVerifier}. */
export interface DpopVerifierOptions {
  algorithms: readonly string[];
  maxAgeSeconds: number;
  replay: JtiReplayStore;
  nonces?: DpopNonces;
  requireNonce: boolean;
}

/**
 * Checks a DPoP proof per RFC 9449 §4.3 and §7: exactly one `DPoP` header; a JWS of `typ:
 * dpop+jwt` with an allowed asymmetric algorithm, signed by the public key in its own header (no
 * private parts); `htm` and `htu` matching the request; `iat` fresh; a nonce when required; `ath`
 * equal to the hash of the access token; the key thumbprint equal to the token's `cnf.jkt`; and
 * the `jti` never seen before (atomic replay store).
 *
 * @example
 * ```ts
 * const dpop = new DpopVerifier({ algorithms: ['EdDSA', 'ES256'], maxAgeSeconds: 300, replay: new MemoryJtiReplayStore(), requireNonce: false });
 * const r = await dpop.verify({ proof, method: 'GET', url: 'https://api/x', accessToken, jkt });
 * ```
 */
export class DpopVerifier {
  constructor(private readonly options: DpopVerifierOptions) {}

  async verify(check: DpopCheck): Promise<DpopOutcome> {
    if (check.proof === undefined) return { ok: false, error: 'invalid_dpop_proof', reason: 'missing DPoP proof' };
    if (Array.isArray(check.proof) || check.proof.includes(','))
      return { ok: false, error: 'invalid_dpop_proof', reason: 'more than one DPoP proof' };
    if (check.proof.length > 4096) return { ok: false, error: 'invalid_dpop_proof', reason: 'oversized proof' };
    let payload: Record<string, unknown>;
    let jwk: JWK;
    try {
      const verified = await jwtVerify(check.proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: [...this.options.algorithms],
        maxTokenAge: this.options.maxAgeSeconds,
        clockTolerance: 5,
        requiredClaims: ['iat', 'jti', 'htm', 'htu'],
      });
      payload = verified.payload;
      jwk = verified.protectedHeader.jwk as JWK;
    } catch (e) {
      return { ok: false, error: 'invalid_dpop_proof', reason: e instanceof errors.JOSEError ? `proof ${e.code}` : 'proof unreadable' };
    }
    // A proof dated in the future would stay replayable for longer than maxAge allows.
    if ((payload.iat as number) > Date.now() / 1000 + 5) return { ok: false, error: 'invalid_dpop_proof', reason: 'iat in the future' };
    if (payload.htm !== check.method) return { ok: false, error: 'invalid_dpop_proof', reason: 'htm mismatch' };
    if (!sameTarget(payload.htu, check.url)) return { ok: false, error: 'invalid_dpop_proof', reason: 'htu mismatch' };
    if (this.options.requireNonce && !this.options.nonces?.isValid(payload.nonce)) {
      return { ok: false, error: 'use_dpop_nonce', reason: payload.nonce === undefined ? 'nonce required' : 'stale nonce' };
    }
    const ath = createHash('sha256').update(check.accessToken).digest('base64url');
    if (payload.ath !== ath) return { ok: false, error: 'invalid_dpop_proof', reason: 'ath mismatch' };
    const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
    if (check.jkt === undefined || thumbprint !== check.jkt)
      return { ok: false, error: 'invalid_token', reason: 'token not bound to this DPoP key' };
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) {
      return { ok: false, error: 'invalid_dpop_proof', reason: 'bad jti' };
    }
    const expiresAt = ((payload.iat as number) + this.options.maxAgeSeconds + 10) * 1000;
    const fresh = await this.options.replay.claim(`${thumbprint}:${payload.jti}`, expiresAt);
    if (!fresh) return { ok: false, error: 'invalid_dpop_proof', reason: 'replayed proof' };
    return { ok: true, jkt: thumbprint };
  }
}

function sameTarget(htu: unknown, url: string): boolean {
  if (typeof htu !== 'string') return false;
  try {
    const a = new URL(htu);
    const b = new URL(url);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}
