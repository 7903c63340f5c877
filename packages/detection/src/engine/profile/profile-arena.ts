import { PROFILE_BYTES } from './layout.js';

/** Profiles per shared buffer: one allocation (and one GC-visible external buffer) per 256 profiles instead of per profile. */
const SLAB_PROFILES = 256;

if (PROFILE_BYTES % 8 !== 0) throw new Error(`profile layout must be a multiple of 8 bytes (is ${PROFILE_BYTES})`);

/**
 * Hands out zeroed `PROFILE_BYTES` regions of large shared `ArrayBuffer`s and takes back the regions of evicted
 * profiles for reuse. A buffer per profile cost a separate external allocation, its bookkeeping and more
 * frequent garbage collections (V8 collects earlier as external memory grows) on every new credential.
 *
 * @example
 * ```ts
 * const arena = new ProfileArena();
 * const { buffer, offset } = arena.take();
 * arena.give(buffer, offset); // zeroed and reused by the next take()
 * ```
 */
export class ProfileArena {
  private slab: ArrayBuffer | undefined;
  private used = SLAB_PROFILES;
  private readonly freeBuffers: ArrayBuffer[] = [];
  private readonly freeOffsets: number[] = [];
  /** Result of the last {@link ProfileArena.take} (reused: no allocation per call). */
  private readonly region = { buffer: new ArrayBuffer(0), offset: 0 };

  /** A zeroed region: a freed one when available, else the next one of the current slab. */
  take(): { readonly buffer: ArrayBuffer; readonly offset: number } {
    const r = this.region;
    const freed = this.freeBuffers.pop();
    if (freed !== undefined) {
      r.buffer = freed;
      r.offset = this.freeOffsets.pop()!;
      return r;
    }
    if (this.slab === undefined || this.used >= SLAB_PROFILES) {
      this.slab = new ArrayBuffer(PROFILE_BYTES * SLAB_PROFILES);
      this.used = 0;
    }
    r.buffer = this.slab;
    r.offset = PROFILE_BYTES * this.used++;
    return r;
  }

  /** Return a region whose profile is gone (evicted); it is zeroed for the next profile. */
  give(buffer: ArrayBuffer, offset: number): void {
    new Uint8Array(buffer, offset, PROFILE_BYTES).fill(0);
    this.freeBuffers.push(buffer);
    this.freeOffsets.push(offset);
  }

  /** Regions waiting for reuse. */
  get free(): number {
    return this.freeBuffers.length;
  }
}

/** The process-wide arena every {@link Profile} is allocated from. */
export const PROFILE_ARENA = new ProfileArena();
