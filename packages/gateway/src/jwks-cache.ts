import { errors, importJWK, type JWK, type JWSHeaderParameters } from 'jose';
import type { CredentialSource } from './credential-source.js';

type PublicKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * The issuer's signing keys, fetched from the credential source and cached. A token signed with a
 * `kid` we do not know triggers one refresh (rate-limited by `refreshCooldownMs`), so a key
 * rotation is picked up at once while a flood of made-up `kid`s cannot hammer the issuer. Keys are
 * also refreshed after `maxAgeMs` so a removed key stops verifying.
 *
 * @example
 * ```ts
 * const keys = new JwksCache(source, { algorithms: ['EdDSA', 'ES256'] });
 * await jwtVerify(token, (header) => keys.keyFor(header));
 * ```
 */
export class JwksCache {
  private keys = new Map<string, JWK>();
  private imported = new Map<string, PublicKey>();
  private fetchedAt = 0;
  private lastRefreshAttempt = 0;
  private inflight: Promise<void> | undefined;
  private readonly algorithms: ReadonlySet<string>;
  private readonly refreshCooldownMs: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly source: Pick<CredentialSource, 'jwks'>,
    options: { algorithms: readonly string[]; refreshCooldownMs?: number; maxAgeMs?: number },
  ) {
    this.algorithms = new Set(options.algorithms);
    this.refreshCooldownMs = options.refreshCooldownMs ?? 1_000;
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  }

  /** Resolves the verification key for a JWS header; throws jose's "no matching key" error otherwise. */
  async keyFor(header: JWSHeaderParameters): Promise<PublicKey> {
    const alg = header.alg;
    if (!alg || !this.algorithms.has(alg)) throw new errors.JOSEAlgNotAllowed('algorithm not allowed');
    if (typeof header.kid !== 'string') throw new errors.JWKSNoMatchingKey();
    const now = Date.now();
    if (now - this.fetchedAt > this.maxAgeMs) await this.refresh();
    let jwk = this.keys.get(header.kid);
    if (!jwk && now - this.lastRefreshAttempt >= this.refreshCooldownMs) {
      await this.refresh();
      jwk = this.keys.get(header.kid);
    }
    if (!jwk || (jwk.alg !== undefined && jwk.alg !== alg) || (jwk.use !== undefined && jwk.use !== 'sig')) {
      throw new errors.JWKSNoMatchingKey();
    }
    const cacheKey = `${header.kid}\u0000${alg}`;
    let key = this.imported.get(cacheKey);
    if (!key) {
      key = await importJWK(jwk, alg);
      this.imported.set(cacheKey, key);
    }
    return key;
  }

  /** Fetches the key set now (coalescing concurrent callers). */
  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    this.lastRefreshAttempt = Date.now();
    this.inflight = (async () => {
      try {
        const { keys } = await this.source.jwks();
        const next = new Map<string, JWK>();
        for (const k of keys) if (typeof k.kid === 'string' && !('d' in k)) next.set(k.kid, k);
        this.keys = next;
        this.imported = new Map([...this.imported].filter(([id]) => next.has(id.split('\u0000')[0] as string)));
        this.fetchedAt = Date.now();
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}
