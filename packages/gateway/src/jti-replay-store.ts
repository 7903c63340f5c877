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
 * in Node's single thread), bounded by expiry and a hard entry cap.
 *
 * Expired claims are dropped from the front of a queue kept in claim order, a few at each claim:
 * proofs live about as long as each other (their `iat` plus the same maximum age), so the oldest
 * claims expire first and the cost per claim stays constant. It used to sweep the whole map every
 * 10 s, and on every claim once the map was full: at a sustained ~3,200 proofs a second (the
 * default cap over a 300 s proof life) each request would then have walked a million entries.
 * A claim that outlives those behind it only delays their removal (by at most its own life); a
 * full store sweeps at most once a second, then refuses.
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
  // Claims in the order they were made (keys and expiry times), read from `head`.
  private queueKeys: string[] = [];
  private queueExpiries: number[] = [];
  private head = 0;
  private lastSweep = 0;

  constructor(private readonly maxEntries = 1_000_000) {}

  /** Live claims held (expired ones may linger until they reach the front of the queue). */
  get size(): number {
    return this.claims.size;
  }

  claim(key: string, expiresAt: number): boolean {
    const now = Date.now();
    this.dropExpired(now);
    const existing = this.claims.get(key);
    if (existing !== undefined && existing > now) return false;
    if (this.claims.size >= this.maxEntries && now - this.lastSweep >= 1_000) this.sweep(now);
    // Full even after a sweep: refuse rather than forget (forgetting would allow replays).
    if (existing === undefined && this.claims.size >= this.maxEntries) return false;
    this.claims.set(key, expiresAt);
    this.queueKeys.push(key);
    this.queueExpiries.push(expiresAt);
    return true;
  }

  seen(key: string): boolean {
    const expiresAt = this.claims.get(key);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  // Drops expired claims from the front of the queue, stopping at the first live one.
  private dropExpired(now: number): void {
    const keys = this.queueKeys;
    const expiries = this.queueExpiries;
    let head = this.head;
    while (head < keys.length && (expiries[head] as number) <= now) {
      const key = keys[head] as string;
      // The map may hold a newer claim of the same key (re-claimed after it expired).
      if (this.claims.get(key) === expiries[head]) this.claims.delete(key);
      head++;
    }
    this.head = head;
    // Compact once the consumed front is most of the queue (amortised constant time).
    if (head > 1024 && head * 2 > keys.length) {
      this.queueKeys = keys.slice(head);
      this.queueExpiries = expiries.slice(head);
      this.head = 0;
    }
  }

  // Everything expired, wherever it sits in the queue (a full store only, at most once a second).
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [k, exp] of this.claims) if (exp <= now) this.claims.delete(k);
    const keys: string[] = [];
    const expiries: number[] = [];
    for (let i = this.head; i < this.queueKeys.length; i++) {
      const exp = this.queueExpiries[i] as number;
      if (exp > now) {
        keys.push(this.queueKeys[i] as string);
        expiries.push(exp);
      }
    }
    this.queueKeys = keys;
    this.queueExpiries = expiries;
    this.head = 0;
  }
}
