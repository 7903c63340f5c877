import { FailureWindows, networkOf } from '@tokenwarden/core';
import type { IpSet } from './ip-set.js';
import { type Refusal, refuse } from './www-authenticate.js';

/** Settings of {@link CredentialFailureThrottle} (config `auth_failures`). */
export interface CredentialFailureOptions {
  window_seconds: number;
  block_after: number;
}

/**
 * Slows down one address presenting credentials that fail: an attacker checking which tokens of a
 * stolen list are still live, spraying guessed keys whose checksums they computed, or flooding
 * the key store and the introspection endpoint with lookups of random ones. Failures are counted
 * per address (an IPv6 address by its /64) in fixed windows; from `block_after` on, until the
 * window ends, the address's credentials that are not already known good are refused with 429
 * before any lookup. Credentials verified before keep working from there, so one broken client
 * behind an office NAT does not lock out its colleagues. Exempt addresses (loopback by default, or a
 * TLS-terminating proxy in front that is not configured as trusted) are never counted.
 *
 * @example
 * ```ts
 * const failures = new CredentialFailureThrottle({ window_seconds: 60, block_after: 50 }, IpSet.from(['127.0.0.0/8']));
 * failures.record('203.0.113.7', Date.now());
 * failures.retryAfterSeconds('203.0.113.7', Date.now()); // 0 until the 50th failure
 * ```
 */
export class CredentialFailureThrottle {
  private readonly windows: FailureWindows;

  constructor(
    private readonly options: CredentialFailureOptions,
    private readonly exempt: IpSet,
    maxKeys = 100_000,
  ) {
    this.windows = new FailureWindows(options.window_seconds * 1000, maxKeys);
  }

  /** True while no failure is counted: every address passes (the hot path skips the lookup). */
  get idle(): boolean {
    return this.windows.size === 0;
  }

  /** Seconds until `ip` may present unverified credentials again; 0 when it may now. */
  retryAfterSeconds(ip: string, now: number): number {
    if (this.windows.size === 0) return 0;
    return Math.ceil(this.windows.waitMs(networkOf(ip), this.options.block_after, now) / 1000);
  }

  /** The 429 (with `Retry-After`) for a credential from `ip` while it is over its budget, else undefined. */
  refusal(ip: string, now: number): Refusal | undefined {
    const retryAfter = this.retryAfterSeconds(ip, now);
    if (retryAfter === 0) return undefined;
    const refusal = refuse(429, 'rate_limited', 'too many failed credentials from this address');
    refusal.headers['retry-after'] = String(retryAfter);
    return refusal;
  }

  /** Counts one failed credential from `ip`. */
  record(ip: string, now: number): void {
    if (!this.exempt.has(ip)) this.windows.count(networkOf(ip), now);
  }
}
