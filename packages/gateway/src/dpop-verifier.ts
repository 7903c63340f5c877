import { hash } from 'node:crypto';
import type { DpopNonces } from './dpop-nonce.js';
import { DpopProofReader, type ReadProof } from './dpop-proof.js';
import type { JtiReplayStore } from './jti-replay-store.js';
import type { SignatureThread } from './signature-thread.js';

/** What a proof is checked against. */
export interface DpopCheck {
  proof: string | string[] | undefined;
  method: string;
  /** The URL the client used (scheme://host/path), compared without query and fragment. */
  url: string;
  accessToken: string;
  /** base64url SHA-256 of `accessToken` when the caller has it already (else it is computed). */
  accessTokenHash?: string;
  /** `cnf.jkt` of the access token. */
  jkt: string | undefined;
}

/** Outcome of a DPoP proof check. */
export type DpopOutcome =
  | { ok: true; jkt: string }
  | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token'; reason: string }
  /** The replay store could not answer: no proof can be accepted until it does (fail closed). */
  | { ok: false; error: 'temporarily_unavailable'; reason: string };

/** Settings of {@link DpopVerifier}. */
export interface DpopVerifierOptions {
  algorithms: readonly string[];
  maxAgeSeconds: number;
  replay: JtiReplayStore;
  nonces?: DpopNonces;
  requireNonce: boolean;
  /** Verify proof signatures there when several are waiting at once. */
  signatureThread?: SignatureThread;
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
  private readonly reader: DpopProofReader;
  // The replay key the last peek built, and the payload it was built for.
  private peekedPayload: Record<string, unknown> | undefined;
  private peekedKey = '';

  constructor(private readonly options: DpopVerifierOptions) {
    this.reader = new DpopProofReader({
      algorithms: options.algorithms,
      maxAgeSeconds: options.maxAgeSeconds,
      ...(options.signatureThread ? { signatureThread: options.signatureThread } : {}),
    });
  }

  /**
   * Checks one proof: synchronous, unless the signature goes to a signature thread or the replay
   * store answers with a promise (PostgreSQL). Never throws on a bad proof.
   */
  verify(check: DpopCheck): DpopOutcome | Promise<DpopOutcome> {
    if (check.proof === undefined) return { ok: false, error: 'invalid_dpop_proof', reason: 'missing DPoP proof' };
    if (Array.isArray(check.proof) || check.proof.includes(','))
      return { ok: false, error: 'invalid_dpop_proof', reason: 'more than one DPoP proof' };
    if (check.proof.length > 4096) return { ok: false, error: 'invalid_dpop_proof', reason: 'oversized proof' };
    const read = this.reader.read(check.proof, this.replayPeek);
    return read instanceof Promise ? read.then((r) => this.afterRead(check, r)) : this.afterRead(check, read);
  }

  // A proof whose jti is already claimed under its key is refused before its signature is checked:
  // replaying one captured proof must not cost the gateway a verification (~0.1 ms) per request.
  // The same proof would be refused after the check anyway; a miss proves nothing (claim decides).
  private readonly replayPeek = (payload: Record<string, unknown>, thumbprint: string): string | undefined => {
    const { replay } = this.options;
    if (replay.seen === undefined || typeof payload.jti !== 'string') return undefined;
    const key = `${thumbprint}:${payload.jti}`;
    // Kept for this proof's claim: one string built (and hashed by the store's map) instead of two.
    this.peekedPayload = payload;
    this.peekedKey = key;
    try {
      return replay.seen(key) ? 'replayed proof' : undefined;
    } catch {
      return undefined; // a store that cannot peek is asked by claim, which fails closed
    }
  };

  private afterRead(check: DpopCheck, read: ReadProof): DpopOutcome | Promise<DpopOutcome> {
    if (!read.ok) return { ok: false, error: 'invalid_dpop_proof', reason: read.reason };
    const { payload, thumbprint } = read;
    if (typeof payload.jti !== 'string' || !('htm' in payload) || !('htu' in payload))
      return { ok: false, error: 'invalid_dpop_proof', reason: 'proof ERR_JWT_CLAIM_VALIDATION_FAILED' };
    if (payload.htm !== check.method) return { ok: false, error: 'invalid_dpop_proof', reason: 'htm mismatch' };
    if (!sameTarget(payload.htu, check.url)) return { ok: false, error: 'invalid_dpop_proof', reason: 'htu mismatch' };
    if (this.options.requireNonce && !this.options.nonces?.isValid(payload.nonce)) {
      return { ok: false, error: 'use_dpop_nonce', reason: payload.nonce === undefined ? 'nonce required' : 'stale nonce' };
    }
    const ath = check.accessTokenHash ?? hash('sha256', check.accessToken, 'base64url');
    if (payload.ath !== ath) return { ok: false, error: 'invalid_dpop_proof', reason: 'ath mismatch' };
    if (check.jkt === undefined || thumbprint !== check.jkt)
      return { ok: false, error: 'invalid_token', reason: 'token not bound to this DPoP key' };
    if (payload.jti.length === 0 || payload.jti.length > 256) {
      return { ok: false, error: 'invalid_dpop_proof', reason: 'bad jti' };
    }
    const expiresAt = ((payload.iat as number) + this.options.maxAgeSeconds + 10) * 1000;
    // The peek's key when it was built for this very payload (another proof's read may have come
    // in between while a signature was on the thread).
    const key = this.peekedPayload === payload ? this.peekedKey : `${thumbprint}:${payload.jti}`;
    this.peekedPayload = undefined;
    let fresh: boolean | Promise<boolean>;
    try {
      fresh = this.options.replay.claim(key, expiresAt);
    } catch {
      return REPLAY_STORE_DOWN;
    }
    return typeof fresh === 'boolean'
      ? claimOutcome(fresh, thumbprint)
      : fresh.then(
          (f) => claimOutcome(f, thumbprint),
          () => REPLAY_STORE_DOWN,
        );
  }
}

const REPLAY_STORE_DOWN: DpopOutcome = { ok: false, error: 'temporarily_unavailable', reason: 'replay store unavailable' };

function claimOutcome(fresh: boolean, jkt: string): DpopOutcome {
  return fresh ? { ok: true, jkt } : { ok: false, error: 'invalid_dpop_proof', reason: 'replayed proof' };
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
