import { hash } from 'node:crypto';
import { type CryptoKey, calculateJwkThumbprint, EmbeddedJWK, errors, type JWK, type JWSHeaderParameters, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
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
  // Imported public keys and their thumbprints, keyed by the algorithm and the exact JWK text of
  // the proof header: a client signs every proof with the same key, and importing it (plus the
  // thumbprint) cost about as much as the signature check. A hit needs the identical JWK, so
  // every check EmbeddedJWK made on the first import (public only, `use`, `alg`) still holds.
  private readonly keys = new LRUCache<string, { key: CryptoKey; thumbprint: string }>({ max: 10_000 });
  private readonly algorithms: string[];

  constructor(private readonly options: DpopVerifierOptions) {
    this.algorithms = [...options.algorithms];
  }

  async verify(check: DpopCheck): Promise<DpopOutcome> {
    if (check.proof === undefined) return { ok: false, error: 'invalid_dpop_proof', reason: 'missing DPoP proof' };
    if (Array.isArray(check.proof) || check.proof.includes(','))
      return { ok: false, error: 'invalid_dpop_proof', reason: 'more than one DPoP proof' };
    if (check.proof.length > 4096) return { ok: false, error: 'invalid_dpop_proof', reason: 'oversized proof' };
    let payload: Record<string, unknown>;
    let thumbprint = '';
    try {
      const verified = await jwtVerify(
        check.proof,
        async (header: JWSHeaderParameters) => {
          const found = await this.publicKey(header);
          thumbprint = found.thumbprint;
          return found.key;
        },
        {
          typ: 'dpop+jwt',
          algorithms: this.algorithms,
          maxTokenAge: this.options.maxAgeSeconds,
          clockTolerance: 5,
          requiredClaims: ['iat', 'jti', 'htm', 'htu'],
        },
      );
      payload = verified.payload;
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
    const ath = hash('sha256', check.accessToken, 'base64url');
    if (payload.ath !== ath) return { ok: false, error: 'invalid_dpop_proof', reason: 'ath mismatch' };
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

  // The proof's embedded public key (RFC 9449 §4.2 `jwk`), imported once per distinct JWK.
  private async publicKey(header: JWSHeaderParameters): Promise<{ key: CryptoKey; thumbprint: string }> {
    const cacheKey = `${String(header.alg)}\n${JSON.stringify(header.jwk)}`;
    const hit = this.keys.get(cacheKey);
    if (hit) return hit;
    const key = (await EmbeddedJWK(header, { payload: '', signature: '' })) as CryptoKey;
    const entry = { key, thumbprint: await calculateJwkThumbprint(header.jwk as JWK, 'sha256') };
    this.keys.set(cacheKey, entry);
    return entry;
  }
}

function sameTarget(htu: unknown, url: string): boolean {
  if (typeof htu !== 'string') return false;
  // The usual case: the client wrote the very URL we rebuilt, and equal strings parse equally.
  if (htu === url) return true;
  try {
    const a = new URL(htu);
    const b = new URL(url);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}
