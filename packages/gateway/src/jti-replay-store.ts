/**
 * Remembers DPoP proof identifiers so each proof is accepted once (RFC 9449 §11.1). `claim` must
 * be atomic: two concurrent requests with the same proof must not both win (a find-then-save
 * check is not enough).
 */
export interface JtiReplayStore {
  /** Records `key` until `expiresAt` (epoch ms); true when it was new, false on a replay. */
  claim(key: string, expiresAt: number): boolean | Promise<boolean>;
  /**
   * Read-only and synchronous, where the store can answer from memory: true when a live claim of
   * `key` is already known. The verifier asks before checking a proof's signature, so a replayed
   * proof is refused without spending a signature verification on it; `claim` stays the answer.
   */
  seen?(key: string): boolean;
}

/**
 * An in-memory replay store for one process: a map checked and set in one synchronous step (atomic
 * in Node's single thread), bounded by expiry sweeps and a hard entry cap.
 *
 * @example
 * ```ts
 * const store = new MemoryJtiReplayStore();
 * store.claim('jkt:jti', Date.now() + 60_000); // true
 * store.claim('jkt:jti', Date.now() + 60_000); // false
 * ```
 */
export class MemoryJtiReplayStore implements JtiReplayStore {
  private readonly claims = new Map<string, number>();
  private lastSweep = Date.now();

  constructor(private readonly maxEntries = 1_000_000) {}

  claim(key: string, expiresAt: number): boolean {
    const now = Date.now();
    if (now - this.lastSweep > 10_000 || this.claims.size >= this.maxEntries) this.sweep(now);
    const existing = this.claims.get(key);
    if (existing !== undefined && existing > now) return false;
    // Full even after a sweep: refuse rather than forget (forgetting would allow replays).
    if (this.claims.size >= this.maxEntries) return false;
    this.claims.set(key, expiresAt);
    return true;
  }

  seen(key: string): boolean {
    const expiresAt = this.claims.get(key);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [k, exp] of this.claims) if (exp <= now) this.claims.delete(k);
  }
}
