import { PRINCIPAL_BYTES, PROFILE_BYTES } from './layout.js';

/** Profiles per shared buffer: one allocation (and one GC-visible external buffer) per 256 profiles instead of per profile. */
const SLAB_PROFILES = 256;

for (const bytes of [PROFILE_BYTES, PRINCIPAL_BYTES]) {
  if (bytes % 8 !== 0) throw new Error(`profile layout must be a multiple of 8 bytes (is ${bytes})`);
}

/**
 * Hands out zeroed regions of one size (`PROFILE_BYTES` by default) of large shared `ArrayBuffer`s and takes back the regions of evicted
 * profiles for reuse. A buffer per profile cost a separate external allocation, its bookkeeping and more
 * frequent garbage collections (V8 collects earlier as external memory grows) on every new credential.
 *
 * @example
 * ```ts
 * const arena = new ProfileArena();
 * const { offset, f64, u32, u8 } = arena.take();
 * arena.give(u8, u32, f64, offset); // zeroed and reused by the next take()
 * ```
 */
export class ProfileArena {
  /** Bytes of each region. */
  readonly regionBytes: number;
  private slab: Slab | undefined;
  private used = SLAB_PROFILES;
  private readonly freeSlabs: Slab[] = [];
  private readonly freeOffsets: number[] = [];
  /** Result of the last {@link ProfileArena.take} (reused: no allocation per call). */
  private readonly region: { buffer: ArrayBuffer; offset: number; f64: Float64Array; u32: Uint32Array; u8: Uint8Array } = {
    buffer: new ArrayBuffer(0),
    offset: 0,
    f64: new Float64Array(0),
    u32: new Uint32Array(0),
    u8: new Uint8Array(0),
  };

  constructor(regionBytes: number = PROFILE_BYTES) {
    this.regionBytes = regionBytes;
  }

  /**
   * A zeroed region: a freed one when available, else the next one of the current slab. `f64`, `u32` and `u8`
   * view the whole slab (shared by its profiles, which index them from their own offset).
   */
  take(): {
    readonly buffer: ArrayBuffer;
    readonly offset: number;
    readonly f64: Float64Array;
    readonly u32: Uint32Array;
    readonly u8: Uint8Array;
  } {
    const r = this.region;
    const freed = this.freeSlabs.pop();
    if (freed !== undefined) {
      r.buffer = freed.buffer;
      r.f64 = freed.f64;
      r.u32 = freed.u32;
      r.u8 = freed.u8;
      r.offset = this.freeOffsets.pop()!;
      return r;
    }
    if (this.slab === undefined || this.used >= SLAB_PROFILES) {
      const buffer = new ArrayBuffer(this.regionBytes * SLAB_PROFILES);
      this.slab = { buffer, f64: new Float64Array(buffer), u32: new Uint32Array(buffer), u8: new Uint8Array(buffer) };
      this.used = 0;
    }
    r.buffer = this.slab.buffer;
    r.f64 = this.slab.f64;
    r.u32 = this.slab.u32;
    r.u8 = this.slab.u8;
    r.offset = this.regionBytes * this.used++;
    return r;
  }

  /** Return a region whose profile is gone (evicted); it is zeroed for the next profile. */
  give(u8: Uint8Array, u32: Uint32Array, f64: Float64Array, offset: number): void {
    u8.fill(0, offset, offset + this.regionBytes);
    this.freeSlabs.push({ buffer: u8.buffer as ArrayBuffer, f64, u32, u8 });
    this.freeOffsets.push(offset);
  }

  /** Regions waiting for reuse. */
  get free(): number {
    return this.freeSlabs.length;
  }
}

/** One shared buffer of profiles and its whole-buffer views. */
interface Slab {
  buffer: ArrayBuffer;
  f64: Float64Array;
  u32: Uint32Array;
  u8: Uint8Array;
}

/** The process-wide arena every credential {@link Profile} is allocated from. */
export const PROFILE_ARENA = new ProfileArena(PROFILE_BYTES);
/** The process-wide arena of principal profiles (the learned part only). */
export const PRINCIPAL_ARENA = new ProfileArena(PRINCIPAL_BYTES);
