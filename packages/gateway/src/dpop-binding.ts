import type { DpopNonces } from './dpop-nonce.js';
import type { DpopOutcome, DpopVerifier } from './dpop-verifier.js';
import { type GuardRequest, headerValue } from './guard-decision.js';
import type { VerifiedCredential } from './verified-credential.js';
import { type Refusal, refuse } from './www-authenticate.js';

/** A request presented with the DPoP scheme, as the guard has it after verifying the token. */
export interface DpopPresentation {
  req: GuardRequest;
  /** `http` or `https`, as the client reached us (behind trusted proxies: as they say). */
  proto: string;
  /** The access token from `Authorization: DPoP`, and its SHA-256 (base64url) for `ath`. */
  accessToken: string;
  accessTokenHash: string;
}

/**
 * The guard's DPoP step (RFC 9449 §7.1): a token presented with the DPoP scheme must be bound to a
 * key (`cnf.jkt`) and come with a proof from that key for this method and URL. Failures become
 * 401s with a `DPoP` challenge (and a fresh `DPoP-Nonce` when the proof lacked it) and are
 * reported, except a replay store that cannot answer: 503, fail closed, not the client's fault.
 *
 * @example
 * ```ts
 * const binding = new DpopBinding(verifier, nonces, ['EdDSA', 'ES256']);
 * const refusal = await binding.check(presentation, credential, (reason) => report('dpop.failure', reason));
 * ```
 */
export class DpopBinding {
  /** `scheme://host` of the configured public origin, or undefined to take it from each request. */
  private readonly origin: string | undefined;

  constructor(
    private readonly verifier: DpopVerifier,
    private readonly nonces: DpopNonces | undefined,
    private readonly algorithms: readonly string[],
    publicOrigin?: string,
  ) {
    this.origin = publicOrigin === undefined ? undefined : new URL(publicOrigin).origin;
  }

  /** The refusal, or undefined when the proof binds the request; synchronous unless the replay store is (PostgreSQL). */
  check(
    p: DpopPresentation,
    credential: VerifiedCredential,
    onFailure: (reason: string) => void,
  ): Refusal | undefined | Promise<Refusal | undefined> {
    if (!credential.jkt)
      return refuse(401, 'invalid_token', 'DPoP scheme with an unbound token', { scheme: 'dpop', dpopAlgs: this.algorithms });
    const { req } = p;
    const q = req.target.indexOf('?');
    const origin = this.origin ?? `${p.proto}://${headerValue(req.headers.host) ?? 'localhost'}`;
    const outcome = this.verifier.verify({
      proof: req.headers.dpop,
      method: req.method,
      url: `${origin}${q === -1 ? req.target : req.target.slice(0, q)}`,
      accessToken: p.accessToken,
      accessTokenHash: p.accessTokenHash,
      jkt: credential.jkt,
    });
    return outcome instanceof Promise ? outcome.then((o) => this.refusalOf(o, onFailure)) : this.refusalOf(outcome, onFailure);
  }

  private refusalOf(outcome: DpopOutcome, onFailure: (reason: string) => void): Refusal | undefined {
    if (outcome.ok) return undefined;
    // Fail closed, and not the client's fault: no dpop.failure for detection to count.
    if (outcome.error === 'temporarily_unavailable') return refuse(503, 'temporarily_unavailable', `dpop: ${outcome.reason}`);
    onFailure(outcome.reason);
    const refusal = refuse(401, outcome.error, `dpop: ${outcome.reason}`, { scheme: 'dpop', dpopAlgs: this.algorithms });
    const nonce = this.nonces?.current();
    if (nonce && outcome.error === 'use_dpop_nonce') refusal.headers['dpop-nonce'] = nonce;
    return refusal;
  }
}
