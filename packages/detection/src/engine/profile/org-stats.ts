import { hourHistogramAdd, hourOfWeekShare } from '../sketches/hour-histogram.js';
import { hllAdd, hllEstimate } from '../sketches/hyperloglog.js';

const PRINCIPAL_REGISTERS = 128;
const ORG_REGISTERS = 1024;

/** Distinct principals seen on one value (an ASN, a country, a client family). */
interface CommonnessEntry {
  regs: Uint8Array;
  principals: number;
}

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
  readonly entries = new Map<number, CommonnessEntry>();
  private readonly maxTracked: number;

  constructor(maxTracked: number) {
    this.maxTracked = maxTracked;
  }

  /** Record that a principal used `value`. */
  add(value: number, principalHash: number): void {
    let e = this.entries.get(value);
    if (e === undefined) {
      if (this.entries.size >= this.maxTracked) this.prune();
      e = { regs: new Uint8Array(PRINCIPAL_REGISTERS), principals: 0 };
      this.entries.set(value, e);
    }
    if (hllAdd(e.regs, 0, PRINCIPAL_REGISTERS, principalHash)) e.principals = hllEstimate(e.regs, 0, PRINCIPAL_REGISTERS);
  }

  /** Estimated distinct principals that used `value`. */
  principals(value: number): number {
    return this.entries.get(value)?.principals ?? 0;
  }

  private prune(): void {
    for (const [k, e] of this.entries) if (e.principals <= 1) this.entries.delete(k);
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
  /** Display names of ASNs, client families and countries for evidence (bounded). */
  readonly names = new Map<number, string>();
  totalPrincipals = 0;
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
    if (hllAdd(this.principalRegs, 0, ORG_REGISTERS, principalHash))
      this.totalPrincipals = hllEstimate(this.principalRegs, 0, ORG_REGISTERS);
  }

  /** Remember a display name for a hashed value. */
  name(key: number, label: string): void {
    if (this.names.has(key)) return;
    if (this.names.size >= this.maxTracked) this.names.clear();
    this.names.set(key, label);
  }

  /** Count one event in the org hour-of-week histogram. */
  addHour(bucket: number): void {
    hourHistogramAdd(this.hours, 0, bucket);
  }

  /** Share of org activity at this hour of week (±1 h). */
  hourShare(bucket: number): number {
    return hourOfWeekShare(this.hours, 0, bucket, 1);
  }

  /** True when enough principals use the value to make it ordinary for everyone. */
  isCommon(index: CommonnessIndex, value: number): boolean {
    const n = index.principals(value);
    return n >= this.minPrincipals && n >= this.share * this.totalPrincipals;
  }
}
