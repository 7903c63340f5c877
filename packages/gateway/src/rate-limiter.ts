import { LRUCache } from 'lru-cache';

/**
 * Per-credential token buckets: `burst` requests at once, refilled at `perSecond`. Bounded by an
 * LRU so a flood of distinct credentials cannot exhaust memory.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ perSecond: 10, burst: 20 });
 * limiter.take('key_1'); // { ok: true }
 * ```
 */
export class RateLimiter {
  private readonly buckets: LRUCache<string, { tokens: number; at: number }>;

  constructor(
    private readonly options: { perSecond: number; burst: number },
    maxKeys = 100_000,
  ) {
    this.buckets = new LRUCache({ max: maxKeys });
  }

  /** Takes one token; when empty, says how many seconds until the next one. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.options.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.options.burst, b.tokens + ((now - b.at) / 1000) * this.options.perSecond);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.options.perSecond)) };
  }
}
