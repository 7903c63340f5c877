/**
 * Lifecycle events about a credential that its holder did not perform: it was issued, rotated, revoked,
 * suspended or reinstated, or its subject was signed out, by a user, an administrator, a scheduler or our own
 * response. Their place, client and time are the actor's, not the holder's, so they are neither judged as the
 * holder's activity (a containment revocation is not the attacker's next step) nor learned into its baseline
 * (an administrator's address is not a place the credential is used from). Signals of a presentation (a revoked
 * or expired token presented, refresh reuse, canary use, DPoP or checksum failures, a refresh) and exposure
 * reports still go through the detectors.
 */
const ABOUT_CREDENTIAL = new Set<string>([
  'token.issued',
  'token.rotated',
  'token.revoked',
  'token.suspended',
  'token.reinstated',
  'subject.signed_out',
]);

/**
 * Whether a lifecycle signal records something done to a credential rather than by its holder.
 *
 * @example
 * ```ts
 * isAboutCredential('token.revoked');     // true: an administrator or our response did it
 * isAboutCredential('token.revoked_use'); // false: someone presented the revoked token
 * ```
 */
export function isAboutCredential(lifecycle: string | undefined): boolean {
  return lifecycle !== undefined && ABOUT_CREDENTIAL.has(lifecycle);
}

/** Bound on the per-source-IP counters. */
const MAX_SOURCES = 100_000;

/**
 * API-key checksum failures per source address in a fixed window: one address presenting many keys with bad
 * checksums is guessing or spraying keys. Bounded (cleared when full) and swept.
 *
 * @example
 * ```ts
 * const spray = new ChecksumSprayCounter();
 * spray.count('203.0.113.9', now, 600_000); // 1, 2, ... within the window
 * ```
 */
export class ChecksumSprayCounter {
  private windows = new Map<string, { start: number; count: number }>();

  /** Counts one failure from `ip` at `now`; returns the failures in its current window. */
  count(ip: string, now: number, windowMs: number): number {
    let s = this.windows.get(ip);
    if (s === undefined || now - s.start > windowMs) {
      if (s === undefined && this.windows.size >= MAX_SOURCES) this.windows.clear();
      s = { start: now, count: 0 };
      this.windows.set(ip, s);
    }
    s.count++;
    return s.count;
  }

  /** Forgets the windows that ended before `now`. */
  sweep(now: number, windowMs: number): void {
    for (const [ip, s] of this.windows) if (now - s.start > windowMs) this.windows.delete(ip);
  }

  /** Forgets everything (a snapshot restore). */
  clear(): void {
    this.windows.clear();
  }
}
