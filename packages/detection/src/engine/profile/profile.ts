import { hashString } from '../sketches/hash.js';
import {
  F_EVENTS,
  F_FIRST_TS,
  F_INTERACTIVE,
  F_LAST_TS,
  F_LEARNED,
  F_SLOTS,
  PRINCIPAL_BYTES,
  PROFILE_BYTES,
  U_LEARNED,
  U_SLOTS,
} from './layout.js';
import { PRINCIPAL_ARENA, PROFILE_ARENA, type ProfileSlab } from './profile-arena.js';

const FLAG_PRINCIPAL = 1;
const FLAG_RELEASED = 2;

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
  /**
   * The slab the profile lives in. Its views (`f`, `u`, `b`) are shared by the slab's profiles: one set per slab,
   * not per profile, and only one reference here, which keeps a tracked credential's heap part small.
   */
  private readonly slab: ProfileSlab;
  /** Where the profile's float64 slots start in {@link Profile.f}: its scalars are `f[fo + F_*]`. */
  readonly fo: number;
  /** Where the profile's uint32 slots start in {@link Profile.u}: `u[uo + U_*]`. */
  readonly uo: number;
  /** Where the profile's uint8 slots start in {@link Profile.b}: `b[bo + B_*]`. */
  readonly bo: number;
  /** Bit 0: a principal's profile; bit 1: released. */
  private flags: number;

  /**
   * `kind` 'principal' makes the smaller profile of a principal: only the learned part of each view (`F_LEARNED`,
   * `U_LEARNED`, `B_LEARNED`), which is all detectors read from a principal. Its other slots do not exist: the
   * views' slots past them belong to the next profile, so nothing may touch them.
   */
  constructor(key: string, principal: string | undefined, bytes?: Uint8Array, kind: ProfileKind = 'credential') {
    this.key = key;
    this.keyHash = hashString(key);
    this.principal = principal;
    const credential = kind === 'credential';
    this.flags = credential ? 0 : FLAG_PRINCIPAL;
    const fSlots = credential ? F_SLOTS : F_LEARNED;
    const uSlots = credential ? U_SLOTS : U_LEARNED;
    const region = (credential ? PROFILE_ARENA : PRINCIPAL_ARENA).take();
    const offset = region.offset;
    this.slab = region.slab;
    this.fo = offset / 8;
    this.uo = (offset + fSlots * 8) / 4;
    this.bo = offset + fSlots * 8 + uSlots * 4;
    if (bytes !== undefined) this.bytes().set(bytes.subarray(0, this.byteLength));
  }

  /** A credential's profile, or the smaller one of a principal. */
  get kind(): ProfileKind {
    return (this.flags & FLAG_PRINCIPAL) === 0 ? 'credential' : 'principal';
  }

  /** The float64 view of the profile's slab. */
  get f(): Float64Array {
    return this.slab.f64;
  }

  /** The uint32 view of the profile's slab. */
  get u(): Uint32Array {
    return this.slab.u32;
  }

  /** The uint8 view of the profile's slab. */
  get b(): Uint8Array {
    return this.slab.u8;
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
    if ((this.flags & FLAG_RELEASED) !== 0) return;
    this.flags |= FLAG_RELEASED;
    (this.kind === 'credential' ? PROFILE_ARENA : PRINCIPAL_ARENA).give(this.slab, this.fo * 8);
  }

  /** True once {@link Profile.release} gave its memory back (an evicted or replaced profile). */
  get released(): boolean {
    return (this.flags & FLAG_RELEASED) !== 0;
  }

  /** Events learned. */
  get events(): number {
    return this.f[this.fo + F_EVENTS]!;
  }

  /** Share of the learned events made interactively (a person at a browser or console), 0 with none learned. */
  get interactiveShare(): number {
    const events = this.f[this.fo + F_EVENTS]!;
    return events === 0 ? 0 : this.f[this.fo + F_INTERACTIVE]! / events;
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
