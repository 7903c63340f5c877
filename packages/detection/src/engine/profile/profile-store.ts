import type { KeySlot } from '../../pipeline/reorder-buffer.js';
import { F_LAST_TS } from './layout.js';
import { Profile, type ProfileKind } from './profile.js';

/**
 * Bounded map of profiles. Idle profiles (by event time) past `ttlMs` are evicted by periodic sweeps; past
 * `cap`, the least recently active are evicted first. Sweeps are amortised (run every N events), so the hot
 * path is one `Map.get`.
 *
 * @example
 * ```ts
 * const store = new ProfileStore(1_000_000, 45 * 86_400_000);
 * const p = store.get('AKIA...', 'alice');
 * ```
 */
export class ProfileStore {
  readonly map = new Map<string, Profile>();
  evictions = 0;
  private readonly cap: number;
  private readonly ttlMs: number;
  private readonly onEvict: ((p: Profile) => void) | undefined;
  private readonly kind: ProfileKind;

  /** `kind` is the kind of profile it makes. `onEvict` hears of every profile evicted (by TTL or by the cap), before its memory is reused. */
  constructor(cap: number, ttlMs: number, onEvict?: (p: Profile) => void, kind: ProfileKind = 'credential') {
    this.cap = Math.max(1, cap);
    this.ttlMs = ttlMs;
    this.onEvict = onEvict;
    this.kind = kind;
  }

  /** The profile for `key`, created when absent. */
  get(key: string, principal: string | undefined): Profile {
    let p = this.map.get(key);
    if (p === undefined) {
      if (this.map.size >= this.cap) this.evictOldest(Math.max(1, Math.floor(this.cap / 100)));
      p = new Profile(key, principal, undefined, this.kind);
      this.map.set(key, p);
    } else if (principal !== undefined && p.principal === undefined) p.principal = principal;
    return p;
  }

  /**
   * {@link ProfileStore.get} through a reorder buffer's slot of the same key: the profile the slot links to when
   * this store put it there and it is still in the store (not evicted, not replaced by a restore), else the
   * map's, which the slot then links to. Saves the second lookup of the key per event (the buffer already did one).
   */
  getVia(slot: KeySlot, key: string, principal: string | undefined): Profile {
    if (slot.owner === this) {
      const p = slot.link as Profile;
      if (!p.released) {
        if (principal !== undefined && p.principal === undefined) p.principal = principal;
        return p;
      }
    }
    const p = this.get(key, principal);
    slot.owner = this;
    slot.link = p;
    return p;
  }

  /** Evict profiles idle since before `now - ttl`. */
  sweep(now: number): void {
    const cutoff = now - this.ttlMs;
    for (const [key, p] of this.map) {
      if (p.f[p.fo + F_LAST_TS]! < cutoff && p.f[p.fo + F_LAST_TS]! !== 0) this.evict(key, p);
    }
  }

  /** Evict the `n` least recently active profiles (a selection, not a full sort, when n is small). */
  private evictOldest(n: number): void {
    const victims: Array<[string, number]> = [];
    for (const [key, p] of this.map) {
      const ts = p.f[p.fo + F_LAST_TS]!;
      if (victims.length < n) {
        victims.push([key, ts]);
        if (victims.length === n) victims.sort((a, b) => b[1] - a[1]);
      } else if (ts < victims[0]![1]) {
        victims[0] = [key, ts];
        victims.sort((a, b) => b[1] - a[1]);
      }
    }
    for (const [key] of victims) {
      const p = this.map.get(key);
      if (p !== undefined) this.evict(key, p);
    }
  }

  // Out of the map, heard of by `onEvict` while its numbers are still there, then its memory reused.
  private evict(key: string, p: Profile): void {
    this.map.delete(key);
    this.onEvict?.(p);
    p.release();
    this.evictions++;
  }
}
