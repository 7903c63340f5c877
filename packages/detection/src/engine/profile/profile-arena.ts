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
 * const { slab, offset } = arena.take();
 * arena.give(slab, offset); // zeroed and reused by the next take()
 * ```
 */
export class ProfileArena {
  /** Bytes of each region. */
  readonly regionBytes: number;
  private slab: ProfileSlab | undefined;
  private used = SLAB_PROFILES;
  private readonly freeSlabs: ProfileSlab[] = [];
  private readonly freeOffsets: number[] = [];
  /** Result of the last {@link ProfileArena.take} (reused: no allocation per call). */
  private readonly region: { slab: ProfileSlab; offset: number } = { slab: newSlab(0), offset: 0 };

  constructor(regionBytes: number = PROFILE_BYTES) {
    this.regionBytes = regionBytes;
  }

  /**
   * A zeroed region: a freed one when available, else the next one of the current slab. The slab's views are
   * shared by its profiles, which index them from their own offset.
   */
  take(): { readonly slab: ProfileSlab; readonly offset: number } {
    const r = this.region;
    const freed = this.freeSlabs.pop();
    if (freed !== undefined) {
      r.slab = freed;
      r.offset = this.freeOffsets.pop()!;
      return r;
    }
    if (this.slab === undefined || this.used >= SLAB_PROFILES) {
      this.slab = newSlab(this.regionBytes * SLAB_PROFILES);
      this.used = 0;
    }
    r.slab = this.slab;
    r.offset = this.regionBytes * this.used++;
    return r;
  }

  /** Return a region whose profile is gone (evicted); it is zeroed for the next profile. */
  give(slab: ProfileSlab, offset: number): void {
    slab.u8.fill(0, offset, offset + this.regionBytes);
    this.freeSlabs.push(slab);
    this.freeOffsets.push(offset);
  }

  /** Regions waiting for reuse. */
  get free(): number {
    return this.freeSlabs.length;
  }
}

/** One shared buffer of profiles and its whole-buffer views. */
export interface ProfileSlab {
  readonly buffer: ArrayBuffer;
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly u8: Uint8Array;
}

function newSlab(bytes: number): ProfileSlab {
  const buffer = new ArrayBuffer(bytes);
  return { buffer, f64: new Float64Array(buffer), u32: new Uint32Array(buffer), u8: new Uint8Array(buffer) };
}

/** The process-wide arena every credential {@link Profile} is allocated from. */
export const PROFILE_ARENA = new ProfileArena(PROFILE_BYTES);
/** The process-wide arena of principal profiles (the learned part only). */
export const PRINCIPAL_ARENA = new ProfileArena(PRINCIPAL_BYTES);
