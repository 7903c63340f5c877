import { hashString } from '../sketches/hash.js';
import { F_EVENTS, F_FIRST_TS, F_LAST_TS, F_SLOTS, PROFILE_BYTES, U_SLOTS } from './layout.js';
import { PROFILE_ARENA } from './profile-arena.js';

/**
 * Behavioural baseline of one credential or one principal: all numbers live in one `PROFILE_BYTES` region of a
 * shared buffer (see layout.ts and profile-arena.ts).
 * Detectors read the baseline before the event is learned, then the engine learns it.
 *
 * @example
 * ```ts
 * const p = new Profile('AKIAEXAMPLE', 'alice');
 * p.f[F_EVENTS]; // 0
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
  /** The profile's float64 scalars (`F_*` slots), a view of its own region. */
  readonly f: Float64Array;
  /**
   * The uint32 view of the whole slab the profile lives in: its slots are `u[uo + U_*]`. One view per slab, not
   * per profile, saves two ~100-byte view objects on every tracked credential.
   */
  readonly u: Uint32Array;
  /** Where the profile's uint32 slots start in {@link Profile.u}. */
  readonly uo: number;
  /** The uint8 view of the whole slab: the profile's slots are `b[bo + B_*]`. */
  readonly b: Uint8Array;
  /** Where the profile's uint8 slots start in {@link Profile.b}. */
  readonly bo: number;
  private released = false;

  constructor(key: string, principal: string | undefined, bytes?: Uint8Array) {
    this.key = key;
    this.keyHash = hashString(key);
    this.principal = principal;
    const region = PROFILE_ARENA.take();
    const offset = region.offset;
    this.f = new Float64Array(region.buffer, offset, F_SLOTS);
    this.u = region.u32;
    this.uo = (offset + F_SLOTS * 8) / 4;
    this.b = region.u8;
    this.bo = offset + F_SLOTS * 8 + U_SLOTS * 4;
    if (bytes !== undefined) this.bytes().set(bytes.subarray(0, PROFILE_BYTES));
  }

  /** All of the profile's numbers as one byte view (snapshots copy it as is). */
  bytes(): Uint8Array {
    return new Uint8Array(this.f.buffer, this.f.byteOffset, PROFILE_BYTES);
  }

  /**
   * Give the profile's memory back for reuse once it is evicted. The profile must not be used afterwards (its
   * memory becomes another profile's); releasing twice is a no-op.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    PROFILE_ARENA.give(this.b, this.u, this.f.byteOffset);
  }

  /** Events learned. */
  get events(): number {
    return this.f[F_EVENTS]!;
  }

  /** Hours between the first and the latest learned event. */
  historyHours(): number {
    return this.f[F_EVENTS] === 0 ? 0 : (this.f[F_LAST_TS]! - this.f[F_FIRST_TS]!) / 3_600_000;
  }

  /** True once the profile has enough history for novelty to mean something. */
  isMature(minEvents: number, minHours: number): boolean {
    return this.f[F_EVENTS]! >= minEvents && this.historyHours() >= minHours;
  }
}
