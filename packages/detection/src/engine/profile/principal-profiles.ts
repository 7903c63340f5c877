import { F_EVENTS } from './layout.js';
import { copyLearned } from './learn.js';
import type { Profile } from './profile.js';
import { ProfileStore } from './profile-store.js';

/**
 * Principal profiles, shared with the credential while a principal has only one. A principal's profile holds
 * exactly what its credentials' events taught (see `learnInto`), so while every event of the principal came
 * from one credential, and that credential learned nothing under another principal, the credential's own
 * profile already holds the same numbers: the principal is *shared* with it and costs no profile of its own.
 * It gets one (a copy of what the credential learned) the moment a second credential appears for it, or its
 * credential acts for another principal. Detectors see the same numbers either way; most principals in real
 * logs (a service account, a user with one key) never need their own profile.
 *
 * @example
 * ```ts
 * const principals = new PrincipalProfiles(1_000_000, 45 * 86_400_000);
 * const p = principals.resolve(credProfile, 'alice'); // credProfile itself until alice uses a second credential
 * ```
 */
export class PrincipalProfiles {
  /** Principals with a profile of their own. */
  readonly store: ProfileStore;
  /** Principal name -> the one credential profile that stands for it. */
  readonly shared = new Map<string, Profile>();

  constructor(cap: number, ttlMs: number) {
    this.store = new ProfileStore(cap, ttlMs, undefined, 'principal');
  }

  /** Principals tracked, with or without a profile of their own. */
  get size(): number {
    return this.store.map.size + this.shared.size;
  }

  /**
   * The profile that holds `principal`'s baseline for an event of `cred`: the credential's own profile while the
   * principal is shared with it, else the principal's profile (created, or copied from the credential it was
   * shared with).
   */
  resolve(cred: Profile, principal: string): Profile {
    const mine = cred.sharedWith;
    if (mine !== undefined) {
      if (mine === principal) return cred;
      // The credential acts for another principal: its next lessons are no longer only the first one's.
      this.detach(mine, cred);
    }
    const own = this.store.map.get(principal);
    if (own !== undefined) {
      // A new credential of a known principal keeps the principal's name string, not a copy of its own.
      if (cred.f[cred.fo + F_EVENTS] === 0 && cred.principal === principal) cred.principal = own.key;
      return own;
    }
    const holder = this.shared.get(principal);
    if (holder !== undefined) {
      // A second credential of the principal: the principal needs numbers of its own from now on.
      return this.detach(principal, holder);
    }
    if (cred.f[cred.fo + F_EVENTS] === 0) {
      // Nothing learned yet on either side: both histories are the same (empty) and stay so.
      cred.sharedWith = principal;
      this.shared.set(principal, cred);
      return cred;
    }
    return this.store.get(principal, undefined);
  }

  /** Give a shared principal its own profile, a copy of what its credential learned. */
  private detach(principal: string, holder: Profile): Profile {
    this.shared.delete(principal);
    holder.sharedWith = undefined;
    const own = this.store.get(principal, undefined);
    copyLearned(holder, own);
    if (holder.principal === principal) holder.principal = own.key;
    return own;
  }

  /** Restore a sharing from a snapshot (ignored when the credential is unknown). */
  restoreShared(principal: string, cred: Profile | undefined): void {
    if (cred === undefined || this.store.map.has(principal)) return;
    cred.sharedWith = principal;
    this.shared.set(principal, cred);
  }

  /** A credential profile was evicted: a principal shared with it goes too (it was as idle). */
  forget(cred: Profile): void {
    const principal = cred.sharedWith;
    if (principal === undefined) return;
    cred.sharedWith = undefined;
    if (this.shared.get(principal) === cred) this.shared.delete(principal);
  }
}
