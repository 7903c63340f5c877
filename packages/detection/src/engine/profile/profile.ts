import { hashString } from '../sketches/hash.js';
import { B_SLOTS, F_EVENTS, F_FIRST_TS, F_LAST_TS, F_SLOTS, PROFILE_BYTES, U_SLOTS } from './layout.js';
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
  readonly f: Float64Array;
  readonly u: Uint32Array;
  readonly b: Uint8Array;
  private released = false;

  constructor(key: string, principal: string | undefined, bytes?: Uint8Array) {
    this.key = key;
    this.keyHash = hashString(key);
    this.principal = principal;
    const { buffer, offset } = PROFILE_ARENA.take();
    this.f = new Float64Array(buffer, offset, F_SLOTS);
    this.u = new Uint32Array(buffer, offset + F_SLOTS * 8, U_SLOTS);
    this.b = new Uint8Array(buffer, offset + F_SLOTS * 8 + U_SLOTS * 4, B_SLOTS);
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
    PROFILE_ARENA.give(this.f.buffer as ArrayBuffer, this.f.byteOffset);
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
