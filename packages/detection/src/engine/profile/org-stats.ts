import { hourHistogramAdd, nearHourOfWeek } from '../sketches/hour-histogram.js';
import { HllCounter } from '../sketches/hyperloglog.js';

const PRINCIPAL_REGISTERS = 128;
const ORG_REGISTERS = 1024;

/**
 * Organisation-wide commonness of one dimension: for each value, a HyperLogLog of the principals that used it.
 * Bounded: past `maxTracked` values, the values used by a single principal are dropped.
 *
 * @example
 * ```ts
 * const asns = new CommonnessIndex(50_000);
 * asns.add(64500, principalHash);
 * asns.principals(64500); // 1
 * ```
 */
export class CommonnessIndex {
  /** Per value, a HyperLogLog of the distinct principals that used it (its estimate kept current). */
  readonly entries = new Map<number, HllCounter>();
  private readonly maxTracked: number;

  constructor(maxTracked: number) {
    this.maxTracked = maxTracked;
  }

  /** Record that a principal used `value`. */
  add(value: number, principalHash: number): void {
    let e = this.entries.get(value);
    if (e === undefined) {
      if (this.entries.size >= this.maxTracked) this.prune();
      e = new HllCounter(new Uint8Array(PRINCIPAL_REGISTERS));
      this.entries.set(value, e);
    }
    e.add(principalHash);
  }

  /** Put back one value's principal registers (snapshot restore); the estimate is recomputed from them. */
  restoreEntry(value: number, regs: Uint8Array): void {
    this.entries.set(value, new HllCounter(regs));
  }

  /** Estimated distinct principals that used `value`. */
  principals(value: number): number {
    return this.entries.get(value)?.estimate ?? 0;
  }

  private prune(): void {
    for (const [k, e] of this.entries) if (e.estimate <= 1) this.entries.delete(k);
    if (this.entries.size >= this.maxTracked) this.entries.clear();
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
