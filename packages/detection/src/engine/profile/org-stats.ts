import { mix32 } from '../sketches/hash.js';
import { hourHistogramAdd, nearHourOfWeek } from '../sketches/hour-histogram.js';
import { HllCounter, hllEstimateFrom } from '../sketches/hyperloglog.js';

const PRINCIPAL_REGISTERS = 128;
const REGISTER_BITS = 7;
const ORG_REGISTERS = 1024;
/** Most entries of a {@link CommonnessIndex}'s slot cache (a power of two; 768 KB for three indexes). */
const MAX_CACHE = 32_768;

/** A value's entry in a slot cache of `size` entries (a power of two); any number (NaN, -0, fractions) gets one. */
function cacheIndex(value: number, size: number): number {
  const v = value | 0;
  return (v ^ (v >>> 15)) & (size - 1);
}

/**
 * Organisation-wide commonness of one dimension: for each value, a HyperLogLog of the principals that used it.
 * Bounded: past `maxTracked` values, the values used by a single principal are dropped.
 *
 * All values' registers live in one growing buffer and their running aggregates (`sum` of `2^-rank`, empty
 * registers, estimate) in typed arrays, indexed by a slot per value: a lookup is one map probe and reads from
 * a few dense arrays, instead of an object and a register array of its own per value (the engine reads or adds
 * three dimensions on every event). Same registers and estimates as {@link HllCounter}.
 *
 * @example
 * ```ts
 * const asns = new CommonnessIndex(50_000);
 * asns.add(64500, principalHash);
 * asns.principals(64500); // 1
 * ```
 */
export class CommonnessIndex {
  /** Value -> its slot in the arrays below (insertion order is snapshot order). */
  private readonly slots = new Map<number, number>();
  private regs = new Uint8Array(16 * PRINCIPAL_REGISTERS);
  private sums = new Float64Array(16);
  private zeros = new Float64Array(16);
  private estimates = new Float64Array(16);
  /** Slots of pruned values, for reuse. */
  private freeSlots: number[] = [];
  private used = 0;
  // A direct-mapped cache of value -> slot (-1: absent) in front of `slots`, as large as the slot arrays (at most
  // MAX_CACHE): values are unsigned 32-bit hashes, half of them beyond V8's small-integer range (31 bits with
  // pointer compression, else 32 signed), and a Map lookup with such a key boxes and hashes a number; here it is
  // two typed-array reads. The detectors and the learning ask about the same
  // few values per event. Entries are exact (the key is compared), kept current by newSlot and cleared by prune.
  private cacheKeys = new Float64Array(16).fill(Number.NaN);
  private cacheSlots = new Int32Array(16);
  private readonly maxTracked: number;

  constructor(maxTracked: number) {
    this.maxTracked = maxTracked;
  }

  /** Values tracked. */
  get size(): number {
    return this.slots.size;
  }

  /** Record that a principal used `value`. */
  add(value: number, principalHash: number): void {
    let slot = this.slotOf(value);
    if (slot < 0) {
      if (this.slots.size >= this.maxTracked) this.prune();
      slot = this.newSlot(value);
    }
    const h = mix32(principalHash);
    const index = h >>> (32 - REGISTER_BITS);
    const rest = (h << REGISTER_BITS) >>> 0;
    const rank = rest === 0 ? 32 - REGISTER_BITS + 1 : Math.clz32(rest) + 1;
    const at = slot * PRINCIPAL_REGISTERS + index;
    const old = this.regs[at]!;
    if (rank <= old) return;
    this.regs[at] = rank;
    const sum = this.sums[slot]! + (2 ** -rank - 2 ** -old);
    this.sums[slot] = sum;
    if (old === 0) this.zeros[slot] = this.zeros[slot]! - 1;
    this.estimates[slot] = hllEstimateFrom(sum, this.zeros[slot]!, PRINCIPAL_REGISTERS);
  }

  /** Put back one value's principal registers (snapshot restore); the estimate is recomputed from them. */
  restoreEntry(value: number, regs: Uint8Array): void {
    let slot = this.slotOf(value);
    if (slot < 0) slot = this.newSlot(value);
    this.regs.set(regs.subarray(0, PRINCIPAL_REGISTERS), slot * PRINCIPAL_REGISTERS);
    this.recount(slot);
  }

  /** Each tracked value with its estimate and its registers (a view: copy it to keep it), in insertion order. */
  *entries(): IterableIterator<[value: number, estimate: number, regs: Uint8Array]> {
    for (const [value, slot] of this.slots) {
      const at = slot * PRINCIPAL_REGISTERS;
      yield [value, this.estimates[slot]!, this.regs.subarray(at, at + PRINCIPAL_REGISTERS)];
    }
  }

  /** Estimated distinct principals that used `value`. */
  principals(value: number): number {
    const slot = this.slotOf(value);
    return slot < 0 ? 0 : this.estimates[slot]!;
  }

  private slotOf(value: number): number {
    const at = cacheIndex(value, this.cacheKeys.length);
    if (this.cacheKeys[at] === value) return this.cacheSlots[at]!;
    const slot = this.slots.get(value) ?? -1;
    this.cacheKeys[at] = value;
    this.cacheSlots[at] = slot;
    return slot;
  }

  /** A zeroed slot for `value` (a freed one, else the next, growing the arrays). */
  private newSlot(value: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.used++;
      if (slot >= this.sums.length) this.grow();
    }
    this.slots.set(value, slot);
    this.sums[slot] = PRINCIPAL_REGISTERS;
    this.zeros[slot] = PRINCIPAL_REGISTERS;
    this.estimates[slot] = 0;
    const at = cacheIndex(value, this.cacheKeys.length);
    this.cacheKeys[at] = value;
    this.cacheSlots[at] = slot;
    return slot;
  }

  private grow(): void {
    const n = this.sums.length * 2;
    const regs = new Uint8Array(n * PRINCIPAL_REGISTERS);
    regs.set(this.regs);
    this.regs = regs;
    for (const name of ['sums', 'zeros', 'estimates'] as const) {
      const next = new Float64Array(n);
      next.set(this[name]);
      this[name] = next;
    }
    if (n <= MAX_CACHE) {
      this.cacheKeys = new Float64Array(n).fill(Number.NaN);
      this.cacheSlots = new Int32Array(n);
    }
  }

  /** The aggregates of a slot from its registers, as {@link HllCounter}'s constructor computes them. */
  private recount(slot: number): void {
    const at = slot * PRINCIPAL_REGISTERS;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < PRINCIPAL_REGISTERS; i++) {
      const r = this.regs[at + i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    this.sums[slot] = sum;
    this.zeros[slot] = zeros;
    this.estimates[slot] = hllEstimateFrom(sum, zeros, PRINCIPAL_REGISTERS);
  }

  private prune(): void {
    for (const [value, slot] of this.slots) {
      if (this.estimates[slot]! > 1) continue;
      this.slots.delete(value);
      this.regs.fill(0, slot * PRINCIPAL_REGISTERS, (slot + 1) * PRINCIPAL_REGISTERS);
      this.freeSlots.push(slot);
    }
    if (this.slots.size >= this.maxTracked) {
      this.slots.clear();
      this.regs.fill(0);
      this.freeSlots = [];
      this.used = 0;
    }
    this.cacheKeys.fill(Number.NaN);
  }
}

/**
 * What the whole organisation does: distinct principals overall, per ASN, per country and per client family,
 * plus an org-wide hour-of-week histogram used for cold-start time checks.
 *
 * @example
 * ```ts
 * const org = new OrgStats({ commonMinPrincipals: 5, commonShare: 0.05, maxTracked: 50_000 });
 * org.isCommonAsn(64500); // false until 5+ principals use it
 * ```
 */
export class OrgStats {
  readonly asns: CommonnessIndex;
  readonly countries: CommonnessIndex;
  readonly clients: CommonnessIndex;
  readonly principalRegs = new Uint8Array(ORG_REGISTERS);
  readonly hours = new Uint8Array(168);
  /** Sum of `hours` (kept current so cold-start time checks need not re-add 168 buckets per event). */
  hoursTotal = 0;
  /** Display names of ASNs, client families and countries for evidence (bounded). */
  readonly names = new Map<number, string>();
  private principalCounter = new HllCounter(this.principalRegs);
  private readonly minPrincipals: number;
  private readonly share: number;
  private readonly maxTracked: number;

  constructor(cfg: { commonMinPrincipals: number; commonShare: number; maxTracked: number }) {
    this.asns = new CommonnessIndex(cfg.maxTracked);
    this.countries = new CommonnessIndex(cfg.maxTracked);
    this.clients = new CommonnessIndex(cfg.maxTracked);
    this.minPrincipals = cfg.commonMinPrincipals;
    this.share = cfg.commonShare;
    this.maxTracked = cfg.maxTracked;
  }

  /** Count a principal in the org total. */
  addPrincipal(principalHash: number): void {
    this.principalCounter.add(principalHash);
  }

  /** Estimated distinct principals in the organisation. */
  get totalPrincipals(): number {
    return this.principalCounter.estimate;
  }

  /** Recompute the derived aggregates after `principalRegs` and `hours` were filled in place (snapshot restore). */
  recount(): void {
    this.principalCounter = new HllCounter(this.principalRegs);
    let total = 0;
    for (let i = 0; i < this.hours.length; i++) total += this.hours[i]!;
    this.hoursTotal = total;
  }

  /** Remember a display name for a hashed value. */
  name(key: number, label: string): void {
    if (this.names.has(key)) return;
    if (this.names.size >= this.maxTracked) this.names.clear();
    this.names.set(key, label);
  }

  /** Count one event in the org hour-of-week histogram. */
  addHour(bucket: number): void {
    // A full bucket halves the whole histogram: recount then (rare), otherwise the total grows by one.
    if (this.hours[bucket] === 255) {
      hourHistogramAdd(this.hours, 0, bucket);
      let total = 0;
      for (let i = 0; i < this.hours.length; i++) total += this.hours[i]!;
      this.hoursTotal = total;
    } else {
      hourHistogramAdd(this.hours, 0, bucket);
      this.hoursTotal++;
    }
  }

  /** Share of org activity at this hour of week (±1 h). */
  hourShare(bucket: number): number {
    return this.hoursTotal === 0 ? 0 : nearHourOfWeek(this.hours, 0, bucket, 1) / this.hoursTotal;
  }

  /** True when enough principals use the value to make it ordinary for everyone. */
  isCommon(index: CommonnessIndex, value: number): boolean {
    const n = index.principals(value);
    return n >= this.minPrincipals && n >= this.share * this.totalPrincipals;
  }
}
