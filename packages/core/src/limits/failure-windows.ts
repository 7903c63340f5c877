/**
 * Failures counted per key in fixed windows, with a bound on the keys kept: the mechanism under the
 * sign-in throttle and the gateway's failing-credential throttle. A key's window starts at its
 * first failure and lasts `windowMs`; a failure after it ends starts a new one. Past `maxKeys` the
 * windows started longest ago are dropped first, so a flood of new keys costs bounded memory.
 *
 * @example
 * ```ts
 * const failures = new FailureWindows(60_000);
 * failures.count('203.0.113.7', Date.now());
 * failures.waitMs('203.0.113.7', 50, Date.now()); // 0 until the 50th failure in the window
 * ```
 */
export class FailureWindows {
  // In order of window start (a restarted window is re-inserted), so the oldest come first.
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Keys with a window. */
  get size(): number {
    return this.windows.size;
  }

  /** Counts one failure of `key` at `now`. */
  count(key: string, now: number): void {
    let w = this.windows.get(key);
    if (w === undefined || now - w.start >= this.windowMs) {
      if (w !== undefined) this.windows.delete(key);
      else if (this.windows.size >= this.maxKeys) this.dropOldest();
      w = { start: now, failures: 0 };
      this.windows.set(key, w);
    }
    w.failures++;
  }

  /** How long (ms) until `key`'s window ends, when it holds at least `limit` failures; else 0. */
  waitMs(key: string, limit: number, now: number): number {
    const w = this.windows.get(key);
    if (w === undefined || w.failures < limit) return 0;
    return Math.max(0, w.start + this.windowMs - now);
  }

  /** Forgets `key`'s window (a success starts it again from zero). */
  clear(key: string): void {
    this.windows.delete(key);
  }

  private dropOldest(): void {
    const excess = Math.max(1, this.windows.size - this.maxKeys + 1);
    let dropped = 0;
    for (const key of this.windows.keys()) {
      if (dropped++ >= excess) break;
      this.windows.delete(key);
    }
  }
}
