import { createPublicKey, hash, type KeyObject, constants as sslConstants } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { type SignatureThread, type VerifyKey, verifyOnEventLoop } from './signature-thread.js';

/** A DPoP proof whose signature checked out: its payload and the thumbprint of its key. */
export type ReadProof = { ok: true; payload: Record<string, unknown>; thumbprint: string } | { ok: false; reason: string };

// How each JWS algorithm a proof may use is checked with node:crypto (RFC 7518 §3).
interface AlgorithmEntry {
  kty: 'OKP' | 'EC' | 'RSA';
  /** OKP / EC curve name in the JWK. */
  crv?: string;
  digest: string | null;
  /** Exact signature length in bytes (EdDSA and ECDSA signatures have a fixed size). */
  signatureBytes?: number;
  dsaEncoding?: 'ieee-p1363';
  padding?: number;
}

const ALGORITHMS: Record<string, AlgorithmEntry> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519', digest: null, signatureBytes: 64 },
  ES256: { kty: 'EC', crv: 'P-256', digest: 'sha256', signatureBytes: 64, dsaEncoding: 'ieee-p1363' },
  ES384: { kty: 'EC', crv: 'P-384', digest: 'sha384', signatureBytes: 96, dsaEncoding: 'ieee-p1363' },
  RS256: { kty: 'RSA', digest: 'sha256', padding: sslConstants.RSA_PKCS1_PADDING },
  PS256: { kty: 'RSA', digest: 'sha256', padding: sslConstants.RSA_PKCS1_PSS_PADDING },
};

// JWK members that only a private (or symmetric) key has: a proof must carry a public key only.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A checked protected header: everything about a proof that depends on its header alone. */
interface ProofHeader {
  /** Names the key to the signature thread. */
  id: number;
  entry: AlgorithmEntry;
  key: VerifyKey;
  thumbprint: string;
}

// Key ids unique in the process, so readers may share a signature thread.
let nextKeyId = 0;

type Failure = { ok: false; reason: string };
const fail = (code: string): Failure => ({ ok: false, reason: `proof ${code}` });

/**
 * Reads a compact DPoP proof (RFC 9449 §4.2–4.3 steps 1–7): three base64url parts, a protected
 * header of `typ: dpop+jwt` with an allowed asymmetric `alg` and the signer's public `jwk` (no
 * private members, `use`/`alg`/`key_ops` consistent, no `crit` extension), a signature that
 * verifies against that key, and a JSON object payload. Time claims are checked as jose does
 * (`iat` required and within `maxAgeSeconds`, `exp`/`nbf` when present, `clockTolerance` 5 s).
 *
 * A client signs every proof with one key under one header, so the header's checks, the key
 * import and the RFC 7638 thumbprint are done once per distinct header text and kept (the header
 * text is part of what the signature covers, so a hit is exactly the header that was checked).
 * The signature is verified by node:crypto's one-shot call on the event loop, or, with a
 * {@link SignatureThread}, on a second thread when several proofs wait in one turn (a lone proof
 * stays on the event loop). Not libuv's thread pool (the callback form): it cost ~20 µs of
 * event-loop time to set up each job and ~40 µs more CPU in all per proof on the bench host (84 µs
 * of CPU for an Ed25519 verification inline, 122 µs through the pool). The signature thread takes
 * a turn's proofs through shared memory, the signed bytes written there straight from the proof
 * text: in process (guard-micro.ts, ten decisions in flight), 44-46 µs of wall per EdDSA decision
 * instead of 66-74 and 54-59 per ES256 one instead of 80-81, for 7-15 µs more CPU.
 *
 * @example
 * ```ts
 * const reader = new DpopProofReader({ algorithms: ['EdDSA', 'ES256'], maxAgeSeconds: 300 });
 * const r = reader.read(proof);
 * if (r.ok) console.log(r.thumbprint, r.payload.htu);
 * ```
 */
export class DpopProofReader {
  private readonly headers: LRUCache<string, ProofHeader>;
  private readonly algorithms: ReadonlySet<string>;
  private readonly thread: SignatureThread | undefined;
  // The header read last: a client signs every proof under the same header, so the next proof's
  // header text is usually equal to it, which a string comparison tells without hashing ~250
  // characters for the LRU. Cleared when the LRU drops that header (its key may leave the thread).
  private lastHeaderText = '';
  private lastHeader: ProofHeader | undefined;
  // Reused for the bytes a proof is verified over and decoded from (each read uses them only until
  // it returns, or hands copies to the signature thread): no pool allocation per proof.
  private readonly scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);

  constructor(
    private readonly options: {
      algorithms: readonly string[];
      maxAgeSeconds: number;
      clockToleranceSeconds?: number;
      /** Verify signatures here when several are waiting at once (see SignatureThread). */
      signatureThread?: SignatureThread;
    },
  ) {
    this.algorithms = new Set(options.algorithms.filter((a) => a in ALGORITHMS));
    this.thread = options.signatureThread;
    const thread = this.thread;
    this.headers = new LRUCache<string, ProofHeader>({
      max: 10_000,
      dispose: (header: ProofHeader) => {
        if (header === this.lastHeader) {
          this.lastHeader = undefined;
          this.lastHeaderText = '';
        }
        thread?.forget(header.id);
      },
    });
  }

  /**
   * Checks one proof's structure, header, signature and time claims. Never throws (nor rejects).
   * Synchronous without a signature thread; with one, the signature's answer is a promise.
   * `beforeSignature` may refuse the proof from its payload and key alone (its reason is returned
   * as is) before the signature is checked.
   */
  read(
    proof: string,
    beforeSignature?: (payload: Record<string, unknown>, thumbprint: string) => string | undefined,
  ): ReadProof | Promise<ReadProof> {
    const dot1 = proof.indexOf('.');
    const dot2 = dot1 === -1 ? -1 : proof.indexOf('.', dot1 + 1);
    if (dot2 === -1 || proof.indexOf('.', dot2 + 1) !== -1) return fail('ERR_JWS_INVALID');
    const headerText = proof.slice(0, dot1);
    const payloadText = proof.slice(dot1 + 1, dot2);
    const signatureText = proof.slice(dot2 + 1);
    if (!BASE64URL.test(payloadText) || !BASE64URL.test(signatureText)) return fail('ERR_JWS_INVALID');
    let header = headerText === this.lastHeaderText ? this.lastHeader : undefined;
    if (!header) {
      header = this.headers.get(headerText);
      if (!header) {
        const checked = this.checkHeader(headerText);
        if (!checked.ok) return checked;
        header = checked.header;
        this.headers.set(headerText, header);
      }
      this.lastHeaderText = headerText;
      this.lastHeader = header;
    }
    const payload = jsonObject(payloadText, this.scratch);
    if (!payload) return fail('ERR_JWT_INVALID');
    // Decoded after the payload (which used the scratch too), kept at its front until verified.
    const signature = decoded(signatureText, this.scratch, 0);
    const { entry, key, thumbprint } = header;
    if (entry.signatureBytes !== undefined && signature.length !== entry.signatureBytes)
      return fail('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    // A refusal that does not depend on the signature (a replay) costs no verification.
    const early = beforeSignature?.(payload, thumbprint);
    if (early !== undefined) return { ok: false, reason: early };
    if (this.thread) {
      // The signed bytes are written once, into memory the thread shares (the signature is copied).
      return this.thread
        .verifyText(header.id, key, proof, dot2, signature)
        .then((valid) => this.afterSignature(valid, payload, thumbprint));
    }
    // The signed bytes go in the scratch right after the signature (the whole proof is ASCII).
    const at = signature.length;
    const data = dot2 <= SCRATCH_BYTES - at ? this.scratch.subarray(at, at + this.scratch.write(proof, at, dot2, 'latin1')) : undefined;
    return this.afterSignature(verifyOnEventLoop(key, data ?? Buffer.from(proof.slice(0, dot2), 'latin1'), signature), payload, thumbprint);
  }

  private afterSignature(valid: boolean, payload: Record<string, unknown>, thumbprint: string): ReadProof {
    if (!valid) return fail('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const timing = this.checkTimes(payload);
    return timing ? fail(timing) : { ok: true, payload, thumbprint };
  }

  private checkHeader(text: string): { ok: true; header: ProofHeader } | Failure {
    if (!BASE64URL.test(text)) return fail('ERR_JWS_INVALID');
    const header = jsonObject(text, this.scratch);
    if (!header) return fail('ERR_JWS_INVALID');
    const alg = header.alg;
    if (typeof alg !== 'string' || alg.length === 0) return fail('ERR_JWS_INVALID');
    if (!this.algorithms.has(alg)) return fail('ERR_JOSE_ALG_NOT_ALLOWED');
    if (typeof header.typ !== 'string' || normaliseTyp(header.typ) !== 'dpop+jwt') return fail('ERR_JWT_CLAIM_VALIDATION_FAILED');
    // No JWS extension is understood here (b64=false would change what is signed).
    if (header.crit !== undefined) return fail('ERR_JWS_INVALID');
    const jwk = header.jwk;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return fail('ERR_JWS_INVALID');
    const key = importPublicJwk(jwk as Record<string, unknown>, alg);
    if (!key) return fail('ERR_JWS_INVALID');
    const thumbprint = jwkThumbprint(jwk as Record<string, unknown>);
    if (!thumbprint) return fail('ERR_JWS_INVALID');
    const entry = ALGORITHMS[alg] as AlgorithmEntry;
    const verifyKey: VerifyKey = { key, digest: entry.digest };
    if (entry.dsaEncoding) verifyKey.dsaEncoding = entry.dsaEncoding;
    if (entry.padding !== undefined) {
      verifyKey.padding = entry.padding;
      verifyKey.saltLength = 32;
    }
    // The key's exact bytes as OpenSSL imported them: an Ed25519 SPKI is a 12-byte prefix and the key.
    if (entry.kty === 'OKP') verifyKey.rawEd25519 = key.export({ format: 'der', type: 'spki' }).subarray(12);
    return { ok: true, header: { id: nextKeyId++, entry, key: verifyKey, thumbprint } };
  }

  // jose's time checks for jwtVerify({ maxTokenAge, clockTolerance, requiredClaims: [iat, ...] }).
  private checkTimes(payload: Record<string, unknown>): string | undefined {
    const tolerance = this.options.clockToleranceSeconds ?? 5;
    const now = Math.floor(Date.now() / 1000);
    const { iat, nbf, exp } = payload;
    if (typeof iat !== 'number') return 'ERR_JWT_CLAIM_VALIDATION_FAILED';
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance)) return 'ERR_JWT_CLAIM_VALIDATION_FAILED';
    if (exp !== undefined && typeof exp !== 'number') return 'ERR_JWT_CLAIM_VALIDATION_FAILED';
    if (exp !== undefined && exp <= now - tolerance) return 'ERR_JWT_EXPIRED';
    const age = now - iat;
    if (!(age - tolerance <= this.options.maxAgeSeconds)) return 'ERR_JWT_EXPIRED';
    // A proof dated in the future would stay replayable for longer than maxAge allows.
    if (age < -tolerance) return 'ERR_JWT_CLAIM_VALIDATION_FAILED';
    return undefined;
  }
}

// `application/dpop+jwt` and `dpop+jwt` name the same media type (RFC 7515 §4.1.9), in any case.
function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

// Room for the signature and the signed bytes of a proof of the largest size DpopVerifier accepts
// (4096 characters); a larger one (a reader used directly) gets buffers of its own.
const SCRATCH_BYTES = 8192;

// The bytes of a base64url part, decoded into `scratch` at `at` when they fit, else into a new Buffer.
function decoded(part: string, scratch: Buffer, at: number): Buffer {
  // 3 bytes per 4 characters, rounded up: an upper bound of the decoded length.
  if (Math.ceil((part.length * 3) / 4) > scratch.length - at) return Buffer.from(part, 'base64url');
  return scratch.subarray(at, at + scratch.write(part, at, 'base64url'));
}

// A base64url part holding a JSON object (strict UTF-8), or undefined. Decoded in `scratch`.
function jsonObject(part: string, scratch: Buffer): Record<string, unknown> | undefined {
  if (part.length % 4 === 1) return undefined;
  try {
    const value: unknown = JSON.parse(utf8.decode(decoded(part, scratch, 0)));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// The proof's embedded key, refused unless it is a public key of the kind `alg` needs.
function importPublicJwk(jwk: Record<string, unknown>, alg: string): KeyObject | undefined {
  const entry = ALGORITHMS[alg] as AlgorithmEntry;
  if (jwk.kty !== entry.kty || (entry.crv !== undefined && jwk.crv !== entry.crv)) return undefined;
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.alg !== undefined && jwk.alg !== alg) return undefined;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKeyInput['key'], format: 'jwk' });
  } catch {
    return undefined;
  }
  if (key.type !== 'public') return undefined;
  // RFC 7518 §3.3 / §3.5: RSA keys of at least 2048 bits.
  if (entry.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
  return key;
}

// RFC 7638: SHA-256 over the required members in lexicographic order, as compact JSON.
function jwkThumbprint(jwk: Record<string, unknown>): string | undefined {
  const members = jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'];
  const required: Record<string, string> = {};
  for (const m of members) {
    const v = jwk[m];
    if (typeof v !== 'string' || v.length === 0) return undefined;
    required[m] = v;
  }
  return hash('sha256', JSON.stringify(required), 'base64url');
}

type JsonWebKeyInput = Extract<Parameters<typeof createPublicKey>[0], { format: 'jwk' }>;
