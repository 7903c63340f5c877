import { hashString } from '../sketches/hash.js';
import { F_EVENTS, F_FIRST_TS, F_LAST_TS, F_LEARNED, F_SLOTS, PRINCIPAL_BYTES, PROFILE_BYTES, U_LEARNED, U_SLOTS } from './layout.js';
import { PRINCIPAL_ARENA, PROFILE_ARENA } from './profile-arena.js';

/** A credential's profile (learned part and detector state) or a principal's (learned part only). */
export type ProfileKind = 'credential' | 'principal';

/**
 * Behavioural baseline of one credential or one principal: all numbers live in one `PROFILE_BYTES` region of a
 * shared buffer (see layout.ts and profile-arena.ts).
 * Detectors read the baseline before the event is learned, then the engine learns it.
 *
 * @example
 * ```ts
 * const p = new Profile('AKIAEXAMPLE', 'alice');
 * p.f[p.fo + F_EVENTS]; // 0
 * ```
 */
export class Profile {
  /** The credential id (or principal name) as in the input. */
  readonly key: string;
  /** `hashString(key)`, computed once: the principal hash every event of a principal needs. */
  readonly keyHash: number;
  /** Principal of a credential profile (undefined on principal profiles). */
  principal: string | undefined;
  /** On a credential profile: the principal whose baseline it also holds while that principal has no profile of its own (see principal-profiles.ts). */
  sharedWith: string | undefined = undefined;
  /** A credential's profile, or the smaller one of a principal. */
  readonly kind: ProfileKind;
  /**
   * The float64 view of the whole slab the profile lives in: its scalars are `f[fo + F_*]`. Like `u` and `b`,
   * one view per slab, not per profile: three ~100-byte view objects less on every tracked credential.
   */
  readonly f: Float64Array;
  /** Where the profile's float64 slots start in {@link Profile.f}. */
  readonly fo: number;
  /** The uint32 view of the whole slab: the profile's slots are `u[uo + U_*]`. */
  readonly u: Uint32Array;
  /** Where the profile's uint32 slots start in {@link Profile.u}. */
  readonly uo: number;
  /** The uint8 view of the whole slab: the profile's slots are `b[bo + B_*]`. */
  readonly b: Uint8Array;
  /** Where the profile's uint8 slots start in {@link Profile.b}. */
  readonly bo: number;
  private released = false;

  /**
   * `kind` 'principal' makes the smaller profile of a principal: only the learned part of each view (`F_LEARNED`,
   * `U_LEARNED`, `B_LEARNED`), which is all detectors read from a principal. Its other slots do not exist: the
   * views' slots past them belong to the next profile, so nothing may touch them.
   */
  constructor(key: string, principal: string | undefined, bytes?: Uint8Array, kind: ProfileKind = 'credential') {
    this.key = key;
    this.keyHash = hashString(key);
    this.principal = principal;
    this.kind = kind;
    const credential = kind === 'credential';
    const fSlots = credential ? F_SLOTS : F_LEARNED;
    const uSlots = credential ? U_SLOTS : U_LEARNED;
    const region = (credential ? PROFILE_ARENA : PRINCIPAL_ARENA).take();
    const offset = region.offset;
    this.f = region.f64;
    this.fo = offset / 8;
    this.u = region.u32;
    this.uo = (offset + fSlots * 8) / 4;
    this.b = region.u8;
    this.bo = offset + fSlots * 8 + uSlots * 4;
    if (bytes !== undefined) this.bytes().set(bytes.subarray(0, this.byteLength));
  }

  /** Bytes of the profile's region (`PROFILE_BYTES` or, for a principal, `PRINCIPAL_BYTES`). */
  get byteLength(): number {
    return this.kind === 'credential' ? PROFILE_BYTES : PRINCIPAL_BYTES;
  }

  /** All of the profile's numbers as one byte view (snapshots copy it as is). */
  bytes(): Uint8Array {
    return this.b.subarray(this.fo * 8, this.fo * 8 + this.byteLength);
  }

  /**
   * Give the profile's memory back for reuse once it is evicted. The profile must not be used afterwards (its
   * memory becomes another profile's); releasing twice is a no-op.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    (this.kind === 'credential' ? PROFILE_ARENA : PRINCIPAL_ARENA).give(this.b, this.u, this.f, this.fo * 8);
  }

  /** Events learned. */
  get events(): number {
    return this.f[this.fo + F_EVENTS]!;
  }

  /** Hours between the first and the latest learned event. */
  historyHours(): number {
    return this.f[this.fo + F_EVENTS] === 0 ? 0 : (this.f[this.fo + F_LAST_TS]! - this.f[this.fo + F_FIRST_TS]!) / 3_600_000;
  }

  /** True once the profile has enough history for novelty to mean something. */
  isMature(minEvents: number, minHours: number): boolean {
    return this.f[this.fo + F_EVENTS]! >= minEvents && this.historyHours() >= minHours;
  }
}
