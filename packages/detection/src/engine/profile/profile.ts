import { hashString } from '../sketches/hash.js';
import { F_EVENTS, F_FIRST_TS, F_LAST_TS, F_SLOTS, PROFILE_BYTES, U_SLOTS } from './layout.js';

/**
 * Behavioural baseline of one credential or one principal: all numbers live in one buffer (see layout.ts).
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
  readonly buffer: ArrayBuffer;
  readonly f: Float64Array;
  readonly u: Uint32Array;
  readonly b: Uint8Array;

  constructor(key: string, principal: string | undefined, bytes?: Uint8Array) {
    this.key = key;
    this.keyHash = hashString(key);
    this.principal = principal;
    this.buffer = new ArrayBuffer(PROFILE_BYTES);
    this.f = new Float64Array(this.buffer, 0, F_SLOTS);
    this.u = new Uint32Array(this.buffer, F_SLOTS * 8, U_SLOTS);
    this.b = new Uint8Array(this.buffer, F_SLOTS * 8 + U_SLOTS * 4);
    if (bytes !== undefined) new Uint8Array(this.buffer).set(bytes);
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
