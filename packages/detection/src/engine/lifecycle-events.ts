import type { EnrichedEvent } from '../enriched-event.js';

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

/** One source address's current window: what it was counted for, and the calls from it that succeeded meanwhile. */
export interface SourceWindow {
  start: number;
  count: number;
  succeeded: number;
}

/**
 * Counts per source address in fixed windows, bounded (cleared when full) and swept: API-key checksum failures (one
 * address presenting many keys with bad checksums is guessing or spraying keys), or never-seen credentials refused
 * on their first call ({@link SourceWindows.observe}: a key list tried from one machine) beside the calls from that
 * address that succeeded, so a load balancer or office NAT in front of many honest clients, whose refusals are
 * drowned in successes, is not a sprayer. Only addresses with a window open pay for the success count.
 *
 * @example
 * ```ts
 * const spray = new SourceWindows();
 * spray.count('203.0.113.9', now, 600_000).count; // 1, 2, ... within the window
 * ```
 */
export class SourceWindows {
  private windows = new Map<string, SourceWindow>();

  /** Counts one at `ip` at `now`; returns the address's current window. */
  count(ip: string, now: number, windowMs: number): SourceWindow {
    let s = this.windows.get(ip);
    if (s === undefined || now - s.start > windowMs) {
      if (s === undefined && this.windows.size >= MAX_SOURCES) this.windows.clear();
      s = { start: now, count: 0, succeeded: 0 };
      this.windows.set(ip, s);
    }
    s.count++;
    return s;
  }

  /**
   * Counts an event into the never-seen-credential windows: a credential's first call refused (`firstCallRefused`)
   * opens or grows its address's window, which is returned; a successful call from an address with a window open is
   * counted in it.
   */
  observe(ev: EnrichedEvent, firstCallRefused: boolean, now: number, windowMs: number): SourceWindow | undefined {
    const ip = ev.source_ip;
    if (ip === undefined || ip.length === 0) return undefined;
    if (firstCallRefused) return this.count(ip, now, windowMs);
    if (ev.outcome === 'success' && this.windows.size > 0) {
      const s = this.windows.get(ip);
      if (s !== undefined) s.succeeded++;
    }
    return undefined;
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
