import { hash } from 'node:crypto';
import { parseTwToken } from '@tokenwarden/core';
import { LRUCache } from 'lru-cache';
import type { CredentialSource, KeyRecord } from './credential-source.js';
import { IpSet } from './ip-set.js';
import { JwksCache } from './jwks-cache.js';
import { credentialFromClaims, verifyJwtAccessToken } from './jwt-verifier.js';
import { tailFingerprint } from './tail-fingerprint.js';
import type { VerificationResult, VerifiedCredential } from './verified-credential.js';

/** Tuning of {@link CredentialVerifier}. */
export interface CredentialVerifierOptions {
  jwtAlgorithms: readonly string[];
  /** Cache successful verifications (keyed by a hash of the token, bounded by its expiry). Default true. */
  cacheResults?: boolean;
  /** Entries kept in each cache. Default 50 000. */
  maxEntries?: number;
  /** How long an API-key lookup is trusted before it is repeated (revocations bypass this). Default 30 s. */
  keyTtlMs?: number;
  /** How long "unknown key" / "inactive token" answers are remembered. Default 2 s. */
  negativeTtlMs?: number;
  /** How long an introspection answer is reused (bounded by the token's exp). Default 5 s. */
  introspectionTtlMs?: number;
}

type Cached = { result: VerificationResult; subject?: string };

/**
 * Verifies any presented secret by its shape: `tw_k_`/`tw_s_` keys (checksum first, offline, then a
 * hashed lookup behind an LRU), JWT access tokens (locally against the cached JWKS) and anything
 * else as an opaque token (introspection with a short cache). Successful results are cached by a
 * SHA-256 of the token so the hot path costs one hash; the caller must still check revocation,
 * expiry, audience and scopes on every request.
 *
 * @example
 * ```ts
 * const verifier = new CredentialVerifier(source, { jwtAlgorithms: ['EdDSA', 'ES256'] });
 * const r = await verifier.verify('tw_k_...');
 * ```
 */
export class CredentialVerifier {
  readonly keys: JwksCache;
  private readonly cache: LRUCache<string, Cached>;
  private readonly cacheResults: boolean;
  private readonly keyTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly introspectionTtlMs: number;
  // Recently presented strings -> their cache key, so a repeated credential costs a map lookup
  // instead of a SHA-256. Indexed by a fingerprint of the string's length and last 12 characters
  // (a JWT's signature, a key's random part and checksum) folded into a small integer: an integer
  // key needs no string hashing, which cost as much as the rest of the lookup (even hashing just
  // the last 32 characters, which also cost a substring). Confirmed by comparing the whole string,
  // so a collision is only a miss. The raw credential is in this process's memory anyway (it
  // arrived in a header); the map is small and cleared when full.
  private readonly keyMemo = new Map<number, { token: string; key: string }>();

  constructor(
    private readonly source: CredentialSource,
    private readonly options: CredentialVerifierOptions,
  ) {
    this.keys = new JwksCache(source, { algorithms: options.jwtAlgorithms });
    this.cacheResults = options.cacheResults ?? true;
    this.keyTtlMs = options.keyTtlMs ?? 30_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 2_000;
    this.introspectionTtlMs = options.introspectionTtlMs ?? 5_000;
    // ttlResolution 0: read the clock on each get instead of arming a timer every millisecond
    // to expire a cached clock reading (measurable on the per-request path).
    this.cache = new LRUCache<string, Cached>({
      max: options.maxEntries ?? 50_000,
      ttlAutopurge: false,
      allowStale: false,
      ttlResolution: 0,
    });
  }

  /**
   * The cache key of a token ({@link tokenHash}), remembered for recently seen tokens so that a
   * repeated credential costs a map lookup instead of a hash.
   */
  keyOf(token: string): string {
    const fingerprint = tailFingerprint(token);
    const known = this.keyMemo.get(fingerprint);
    if (known !== undefined && known.token === token) return known.key;
    const key = tokenHash(token);
    // Bounded to a few MB whatever is sprayed at it.
    if (token.length <= 4_096) {
      if (this.keyMemo.size >= 2_048) this.keyMemo.clear();
      this.keyMemo.set(fingerprint, { token, key });
    }
    return key;
  }

  /**
   * The cached verification of a token, or undefined: synchronous, so a hot path answers without
   * a promise. `hashKey` is {@link CredentialVerifier.keyOf} the token (computed once by the caller
   * and passed on to {@link CredentialVerifier.verify} on a miss).
   */
  peek(token: string, hashKey: string): VerificationResult | undefined {
    if (token.length > 8192 || !(this.cacheResults || token.startsWith('tw_'))) return undefined;
    return this.cache.get(hashKey)?.result;
  }

  /** Verifies one presented secret. Never throws for bad input; `unavailable` when the source failed. */
  async verify(token: string, hashKey?: string): Promise<VerificationResult> {
    if (token.length > 8192) return { ok: false, failure: 'malformed' };
    if (token.startsWith('tw_')) return this.verifyKey(token, hashKey ?? tokenHash(token));
    hashKey ??= tokenHash(token);
    if (this.cacheResults) {
      const hit = this.cache.get(hashKey);
      if (hit) return hit.result;
    }
    const isJwt = token.startsWith('eyJ') && token.split('.').length === 3;
    let result: VerificationResult;
    if (isJwt) {
      result = await verifyJwtAccessToken(token, { keys: this.keys, issuer: this.source.issuer, algorithms: this.options.jwtAlgorithms });
      // A canary JWT is signed by a key no one publishes: it fails as unknown or bad signature.
      if (!result.ok && (result.failure === 'unknown' || result.failure === 'signature')) result = (await this.canary(token)) ?? result;
    } else {
      // Checked before introspection, which would report the canary itself, without this request's context.
      result = (await this.canary(token)) ?? (await this.introspect(token));
    }
    if (this.cacheResults) this.remember(hashKey, result, isJwt ? undefined : this.introspectionTtlMs);
    return result;
  }

  /**
   * A canary access or refresh token, as a credential marked `canary` that grants nothing: the
   * guard then reports `canary.used` with the request's full context and refuses it, as it does
   * for canary keys. Undefined when the value is no canary or the source cannot tell.
   */
  private async canary(token: string): Promise<VerificationResult | undefined> {
    if (!this.source.findCanary) return undefined;
    let hit: Awaited<ReturnType<NonNullable<CredentialSource['findCanary']>>>;
    try {
      hit = await this.source.findCanary(token);
    } catch {
      // The refusal the token gets anyway stands; only the report is lost.
      return undefined;
    }
    if (!hit) return undefined;
    const credential: VerifiedCredential = {
      kind: hit.kind === 'access_token' ? 'jwt' : 'opaque',
      id: hit.id,
      subject: hit.label,
      scopes: [],
      audience: [],
      canary: true,
    };
    return { ok: true, credential };
  }

  /** Forgets cached API-key lookups of a subject (after a subject/client/grant revocation) or everything. */
  evict(predicate?: (subject: string | undefined) => boolean): void {
    if (!predicate) {
      this.cache.clear();
      return;
    }
    for (const [k, v] of this.cache.entries()) if (predicate(v.subject)) this.cache.delete(k);
  }

  private async verifyKey(token: string, hashKey: string): Promise<VerificationResult> {
    // Only tokens that passed the checksum and type checks below are ever cached, so a hit needs
    // no re-check; a miss is checked offline before any lookup.
    const hit = this.cache.get(hashKey);
    if (hit) return hit.result;
    const parsed = parseTwToken(token);
    if (!parsed) return { ok: false, failure: 'checksum' };
    if (parsed.letter !== 'k' && parsed.letter !== 's') return { ok: false, failure: 'wrong_type' };
    let record: KeyRecord | undefined;
    try {
      record = await this.source.findKey(token);
    } catch {
      return { ok: false, failure: 'unavailable' };
    }
    if (!record) {
      const result: VerificationResult = { ok: false, failure: 'unknown' };
      this.cache.set(hashKey, { result }, { ttl: this.negativeTtlMs });
      return result;
    }
    const result: VerificationResult =
      record.status === 'active'
        ? { ok: true, credential: credentialFromKey(record) }
        : { ok: false, failure: 'inactive', known: { credential: credentialFromKey(record), status: record.status } };
    this.cache.set(hashKey, { result, subject: record.subject }, { ttl: result.ok ? this.keyTtlMs : this.negativeTtlMs });
    return result;
  }

  private async introspect(token: string): Promise<VerificationResult> {
    let answer: Awaited<ReturnType<CredentialSource['introspect']>>;
    try {
      answer = await this.source.introspect(token);
    } catch {
      return { ok: false, failure: 'unavailable' };
    }
    if (!answer.active) return { ok: false, failure: 'inactive' };
    return { ok: true, credential: credentialFromClaims(answer, 'opaque') };
  }

  private remember(hashKey: string, result: VerificationResult, maxTtl?: number): void {
    if (!result.ok) {
      if (result.failure === 'inactive' || result.failure === 'unknown') this.cache.set(hashKey, { result }, { ttl: this.negativeTtlMs });
      return;
    }
    const exp = result.credential.expiresAt;
    let ttl = exp === undefined ? (maxTtl ?? this.keyTtlMs) : exp - Date.now();
    if (maxTtl !== undefined) ttl = Math.min(ttl, maxTtl);
    if (ttl > 0) this.cache.set(hashKey, { result, subject: result.credential.subject }, { ttl });
  }
}

/**
 * SHA-256 of a token, as the in-memory cache key (the raw token is never kept as a key).
 *
 * @example
 * ```ts
 * tokenHash('abc').length; // 43
 * ```
 */
export function tokenHash(token: string): string {
  // One-shot hash: about half the cost of createHash().update().digest() on the hot path.
  return hash('sha256', token, 'base64url');
}

function credentialFromKey(record: KeyRecord): VerifiedCredential {
  const credential: VerifiedCredential = {
    kind: record.kind,
    id: record.id,
    subject: record.subject,
    scopes: record.scopes,
    audience: record.audience,
    canary: record.canary,
  };
  if (record.expires_at) credential.expiresAt = Date.parse(record.expires_at);
  if (record.not_before) credential.notBefore = Date.parse(record.not_before);
  if (record.cidr_allowlist && record.cidr_allowlist.length > 0) {
    try {
      credential.cidrAllowlist = IpSet.from(record.cidr_allowlist);
    } catch {
      // A corrupt allowlist must not widen access: allow nothing rather than everything.
      credential.cidrAllowlist = IpSet.from(['0.0.0.0/32']);
    }
  }
  return credential;
}
