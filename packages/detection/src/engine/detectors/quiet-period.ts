import type { Profile } from '../profile/profile.js';

/**
 * One alert per credential per period: the first call to {@link QuietPeriod.admits} for a credential, or the first
 * more than `periodMs` (in event time, either way) after the last one it admitted, returns true and starts a new
 * period. Kept per profile object, so it goes when the profile is evicted; not part of the snapshot.
 *
 * @example
 * ```ts
 * const quiet = new QuietPeriod();
 * if (!quiet.admits(ctx.cred, ctx.now, 3_600_000)) return; // alerted within the hour: the chain tells the rest
 * ```
 */
export class QuietPeriod {
  private readonly lastAdmitted = new WeakMap<Profile, number>();

  admits(cred: Profile, now: number, periodMs: number): boolean {
    const last = this.lastAdmitted.get(cred);
    if (last !== undefined && Math.abs(now - last) < periodMs) return false;
    this.lastAdmitted.set(cred, now);
    return true;
  }
}
