import { LRUCache } from 'lru-cache';

const PASS = Object.freeze({ action: 'pass' as const });

/** Settings of {@link ProbingThrottle}. */
export interface ProbingOptions {
  window_seconds: number;
  slow_after: number;
  block_after: number;
  block_seconds: number;
  delay_ms: number;
}

/**
 * Notices enumeration: one credential (or address) hitting many distinct paths that do not exist.
 * Past `slow_after` distinct 404 paths in the window its requests are delayed (growing with the
 * count), past `block_after` it is blocked for `block_seconds`. The delay is capped (at 5 s, and
 * lower when needed) so that a prober sending one request after another still reaches
 * `block_after` inside the window: a longer delay would pace it so that its oldest 404s leave the
 * window first, and it would be slowed down for ever but never blocked.
 *
 * @example
 * ```ts
 * const probe = new ProbingThrottle({ window_seconds: 60, slow_after: 20, block_after: 50, block_seconds: 600, delay_ms: 250 });
 * probe.recordNotFound('key_1', '/a');
 * probe.state('key_1'); // { action: 'pass' }
 * ```
 */
export class ProbingThrottle {
  private readonly seen: LRUCache<string, { paths: Map<string, number>; blockedUntil: number }>;
  private readonly maxDelayMs: number;

  constructor(
    private readonly options: ProbingOptions,
    maxKeys = 100_000,
  ) {
    this.seen = new LRUCache({ max: maxKeys });
    // The slowed requests between slow_after and block_after may together take at most half the window.
    const slowed = Math.max(1, options.block_after - options.slow_after);
    this.maxDelayMs = Math.min(5_000, Math.floor((options.window_seconds * 1000) / (2 * slowed)));
  }

  /** True while nothing is recorded: every key passes (lets a hot path skip building keys). */
  get idle(): boolean {
    return this.seen.size === 0;
  }

  /** What to do with the next request of `key`. */
  state(key: string, now = Date.now()): { action: 'pass' } | { action: 'delay'; ms: number } | { action: 'block' } {
    // Nothing recorded at all (the normal case): no key lookup.
    if (this.seen.size === 0) return PASS;
    const s = this.seen.get(key);
    if (!s) return PASS;
    if (s.blockedUntil > now) return { action: 'block' };
    const n = this.count(s.paths, now);
    if (n > this.options.slow_after)
      return { action: 'delay', ms: Math.min(this.maxDelayMs, this.options.delay_ms * (n - this.options.slow_after)) };
    return PASS;
  }

  /** Records a 404 for `path`. */
  recordNotFound(key: string, path: string, now = Date.now()): void {
    let s = this.seen.get(key);
    if (!s) {
      s = { paths: new Map(), blockedUntil: 0 };
      this.seen.set(key, s);
    }
    // Only the most recent distinct paths matter; cap memory per key.
    if (s.paths.size > this.options.block_after * 2) this.count(s.paths, now);
    s.paths.delete(path);
    s.paths.set(path, now);
    if (this.count(s.paths, now) > this.options.block_after) s.blockedUntil = now + this.options.block_seconds * 1000;
  }

  private count(paths: Map<string, number>, now: number): number {
    const horizon = now - this.options.window_seconds * 1000;
    for (const [p, t] of paths) {
      if (t >= horizon) break;
      paths.delete(p);
    }
    return paths.size;
  }
}
