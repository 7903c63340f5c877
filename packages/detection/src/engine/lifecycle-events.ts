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

/** One source address's window of refused never-seen credentials, and of the calls it made that succeeded. */
export interface UnknownSprayWindow {
  start: number;
  refused: number;
  succeeded: number;
}

/**
 * Never-seen credentials refused per source address in a fixed window (a key list or a stuffing run tried from
 * one machine: each key is new, each is refused once), beside the calls from that address that succeeded, so a
 * load balancer or office NAT in front of many honest clients, whose refusals are drowned in successes, is not a
 * sprayer. Only addresses with a window open pay for the success count. Bounded (cleared when full) and swept.
 *
 * @example
 * ```ts
 * const sprays = new UnknownCredentialSprayCounter();
 * sprays.refused('203.0.113.9', now, 600_000); // the window, with refused = 1, 2, ...
 * ```
 */
export class UnknownCredentialSprayCounter {
  private windows = new Map<string, UnknownSprayWindow>();

  /** Counts one refused never-seen credential from `ip` at `now`; returns the address's current window. */
  refused(ip: string, now: number, windowMs: number): UnknownSprayWindow {
    let s = this.windows.get(ip);
    if (s === undefined || now - s.start > windowMs) {
      if (s === undefined && this.windows.size >= MAX_SOURCES) this.windows.clear();
      s = { start: now, refused: 0, succeeded: 0 };
      this.windows.set(ip, s);
    }
    s.refused++;
    return s;
  }

  /**
   * Counts an event: a never-seen credential's first call refused (`firstCallRefused`) opens or grows its address's
   * window, which is returned; a successful call from an address with a window open is counted in it.
   */
  observe(ev: EnrichedEvent, firstCallRefused: boolean, now: number, windowMs: number): UnknownSprayWindow | undefined {
    const ip = ev.source_ip;
    if (ip === undefined || ip.length === 0) return undefined;
    // A second try of the same key is not another key; lifecycle signals are counted by their own rules.
    if (firstCallRefused && ev.lifecycle === undefined) return this.refused(ip, now, windowMs);
    if (ev.outcome === 'success') this.succeeded(ip);
    return undefined;
  }

  /** Counts a successful call from `ip` into its window, if it has one open. */
  succeeded(ip: string): void {
    if (this.windows.size === 0) return;
    const s = this.windows.get(ip);
    if (s !== undefined) s.succeeded++;
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
