import { SEVERITIES, type Severity } from '@tokenwarden/core';
import type { CredentialLabel, LabelsFile } from '../model/labels.js';
import type { ScoredAlert } from './alerts-reader.js';

/** How alerts are matched to attacks. */
export interface EvalOptions {
  /** The severity at which an alert pages someone (the headline threshold). Default `high`. */
  pageThreshold: Severity;
  /** How long after an attack's last event an alert on that credential still counts as catching it. Default 1 h. */
  graceMs: number;
}

/**
 * Default scoring: `high` pages, one hour of grace after an attack ends.
 *
 * @example
 * ```ts
 * evaluateAlerts(labels, alerts, { ...DEFAULT_EVAL_OPTIONS, pageThreshold: 'critical' });
 * ```
 */
export const DEFAULT_EVAL_OPTIONS: EvalOptions = { pageThreshold: 'high', graceMs: 3_600_000 };

/** Credential-level scores when alerts at or above `threshold` count. */
export interface ThresholdScore {
  threshold: Severity;
  /** Credentials with at least one alert at or above the threshold. */
  flagged: number;
  /** Attacked credentials with such an alert during the attack (or within the grace after it). */
  caught: number;
  attacks: number;
  /** caught / flagged; null when nothing was flagged. */
  precision: number | null;
  /** caught / attacks; null without attacks. */
  recall: number | null;
  benign: number;
  /** Benign credentials with at least one alert at or above the threshold. */
  benign_paged: number;
  false_pages_per_1000: number | null;
  /** Attacked credentials alerted only outside their attack (the victim's own traffic). */
  attack_credentials_paged_outside_attack: number;
  /** Attacks caught strictly before the second of their first damage event. */
  caught_before_damage: number;
  /** Attacks that reached a damage stage. */
  attacks_with_damage: number;
  before_damage_share: number | null;
  /** Seconds from attack start to the first catching alert (caught attacks). */
  ttd_median_s: number | null;
  ttd_p90_s: number | null;
}

/** True and false alerts of one rule (all severities, and at the paging threshold). */
export interface RuleScore {
  rule: string;
  true_alerts: number;
  false_alerts: number;
  true_pages: number;
  false_pages: number;
}

/** False pages among benign credentials of one hard-negative category. */
export interface CategoryScore {
  category: string;
  credentials: number;
  paged: number;
  alerts: number;
  /** Principals paged (first few), to look at. */
  paged_principals: string[];
}

/** The outcome for one attack at the paging threshold. */
export interface AttackOutcome {
  credential: string;
  principal: string;
  kind: string;
  start: string;
  caught: boolean;
  first_page: string | null;
  ttd_s: number | null;
  before_damage: boolean | null;
  /** Highest severity of any alert during the attack. */
  max_severity: Severity | null;
  rules: string[];
}

/** Everything `tokenwarden eval` reports. */
export interface EvalReport {
  page_threshold: Severity;
  grace_s: number;
  alerts: number;
  malformed_lines: number;
  /** Alerts whose credential is not in the labels (counted as false). */
  unlabelled_alerts: number;
  unlabelled_credentials: number;
  thresholds: ThresholdScore[];
  attacks: AttackOutcome[];
  rules: RuleScore[];
  categories: CategoryScore[];
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

interface CredentialState {
  label: CredentialLabel | undefined;
  start: number;
  end: number;
  /** Highest severity of any false alert (-1 when none). */
  maxFalse: number;
  /** Earliest true alert time per severity rank (index = rank). */
  firstTrue: number[];
  maxTrue: number;
  alerts: number;
  trueRules: Set<string>;
}

/**
 * Scores a stream of alerts against labels. Alerts are consumed one by one; only per-credential
 * and per-rule counters are kept.
 *
 * An alert is *true* when its credential is labelled `attack` and its time falls between the
 * attack's first event (less one second, for sources with whole-second times) and its last event
 * plus the grace; every other alert is *false*, including alerts on credentials the labels do not
 * know. A credential is *caught* at a threshold when it has a true alert at or above it.
 *
 * @example
 * ```ts
 * const report = await evaluateAlerts(labels, readAlerts('alerts.jsonl', warn));
 * report.thresholds.find((t) => t.threshold === 'high')?.recall;
 * ```
 */
export async function evaluateAlerts(
  labels: LabelsFile,
  alerts: AsyncIterable<ScoredAlert> | Iterable<ScoredAlert>,
  options: Partial<EvalOptions> = {},
): Promise<EvalReport> {
  const opts = { ...DEFAULT_EVAL_OPTIONS, ...options };
  const page = rank(opts.pageThreshold);
  const states = new Map<string, CredentialState>();
  const fresh = (label: CredentialLabel | undefined): CredentialState => ({
    label,
    start: label?.attack ? Date.parse(label.attack.start) - 1000 : Number.POSITIVE_INFINITY,
    end: label?.attack ? Date.parse(label.attack.end) + opts.graceMs : Number.NEGATIVE_INFINITY,
    maxFalse: -1,
    firstTrue: SEVERITIES.map(() => Number.POSITIVE_INFINITY),
    maxTrue: -1,
    alerts: 0,
    trueRules: new Set(),
  });
  for (const l of labels.credentials) states.set(l.credential, fresh(l));
  const rules = new Map<string, RuleScore>();
  let count = 0;
  let unlabelledAlerts = 0;
  const unlabelled = new Set<string>();
  for await (const a of alerts) {
    count++;
    let st = states.get(a.credential);
    if (!st) {
      st = fresh(undefined);
      states.set(a.credential, st);
    }
    if (!st.label) {
      unlabelledAlerts++;
      unlabelled.add(a.credential);
    }
    st.alerts++;
    const r = rank(a.severity);
    const isTrue = st.label?.label === 'attack' && a.time >= st.start && a.time <= st.end;
    if (isTrue) {
      for (let k = 0; k <= r; k++) if (a.time < (st.firstTrue[k] as number)) st.firstTrue[k] = a.time;
      st.maxTrue = Math.max(st.maxTrue, r);
      st.trueRules.add(a.rule);
    } else st.maxFalse = Math.max(st.maxFalse, r);
    let rs = rules.get(a.rule);
    if (!rs) {
      rs = { rule: a.rule, true_alerts: 0, false_alerts: 0, true_pages: 0, false_pages: 0 };
      rules.set(a.rule, rs);
    }
    if (isTrue) {
      rs.true_alerts++;
      if (r >= page) rs.true_pages++;
    } else {
      rs.false_alerts++;
      if (r >= page) rs.false_pages++;
    }
  }

  const attacked = labels.credentials.filter((c) => c.label === 'attack' && c.attack);
  const benign = labels.credentials.filter((c) => c.label === 'benign');
  const thresholds = SEVERITIES.map((threshold, k): ThresholdScore => {
    let flagged = 0;
    let caught = 0;
    let benignPaged = 0;
    let outside = 0;
    let beforeDamage = 0;
    let withDamage = 0;
    const ttds: number[] = [];
    for (const st of states.values()) {
      const hasTrue = Number.isFinite(st.firstTrue[k] as number);
      const hasFalse = st.maxFalse >= k;
      if (hasTrue || hasFalse) flagged++;
      if (st.label?.label === 'benign' && hasFalse) benignPaged++;
      if (st.label?.label === 'attack' && hasFalse && !hasTrue) outside++;
    }
    for (const c of attacked) {
      const st = states.get(c.credential) as CredentialState;
      const first = st.firstTrue[k] as number;
      const attack = c.attack as NonNullable<CredentialLabel['attack']>;
      const damage = attack.first_damage === null ? null : Math.floor(Date.parse(attack.first_damage) / 1000);
      if (damage !== null) withDamage++;
      if (!Number.isFinite(first)) continue;
      caught++;
      ttds.push(Math.max(0, (first - Date.parse(attack.start)) / 1000));
      if (damage !== null && Math.floor(first / 1000) < damage) beforeDamage++;
    }
    ttds.sort((a, b) => a - b);
    return {
      threshold,
      flagged,
      caught,
      attacks: attacked.length,
      precision: flagged === 0 ? null : caught / flagged,
      recall: attacked.length === 0 ? null : caught / attacked.length,
      benign: benign.length,
      benign_paged: benignPaged,
      false_pages_per_1000: benign.length === 0 ? null : (benignPaged / benign.length) * 1000,
      attack_credentials_paged_outside_attack: outside,
      caught_before_damage: beforeDamage,
      attacks_with_damage: withDamage,
      before_damage_share: withDamage === 0 ? null : beforeDamage / withDamage,
      ttd_median_s: quantile(ttds, 0.5),
      ttd_p90_s: quantile(ttds, 0.9),
    };
  });

  const attacks = attacked.map((c): AttackOutcome => {
    const st = states.get(c.credential) as CredentialState;
    const attack = c.attack as NonNullable<CredentialLabel['attack']>;
    const first = st.firstTrue[page] as number;
    const caught = Number.isFinite(first);
    const damage = attack.first_damage === null ? null : Math.floor(Date.parse(attack.first_damage) / 1000);
    return {
      credential: c.credential,
      principal: c.principal,
      kind: attack.kind,
      start: attack.start,
      caught,
      first_page: caught ? new Date(first).toISOString() : null,
      ttd_s: caught ? Math.max(0, (first - Date.parse(attack.start)) / 1000) : null,
      before_damage: damage === null || !caught ? null : Math.floor(first / 1000) < damage,
      max_severity: st.maxTrue >= 0 ? (SEVERITIES[st.maxTrue] as Severity) : null,
      rules: [...st.trueRules].sort(),
    };
  });

  const categories = new Map<string, CategoryScore>();
  for (const c of benign) {
    let cs = categories.get(c.hard_negative);
    if (!cs) {
      cs = { category: c.hard_negative, credentials: 0, paged: 0, alerts: 0, paged_principals: [] };
      categories.set(c.hard_negative, cs);
    }
    const st = states.get(c.credential) as CredentialState;
    cs.credentials++;
    cs.alerts += st.alerts;
    if (st.maxFalse >= page) {
      cs.paged++;
      if (cs.paged_principals.length < 5) cs.paged_principals.push(c.principal);
    }
  }

  return {
    page_threshold: opts.pageThreshold,
    grace_s: opts.graceMs / 1000,
    alerts: count,
    malformed_lines: 0,
    unlabelled_alerts: unlabelledAlerts,
    unlabelled_credentials: unlabelled.size,
    thresholds,
    attacks,
    rules: [...rules.values()].sort(
      (a, b) => b.false_alerts + b.true_alerts - (a.false_alerts + a.true_alerts) || a.rule.localeCompare(b.rule),
    ),
    categories: [...categories.values()].sort((a, b) => a.category.localeCompare(b.category)),
  };
}

/** Nearest-rank quantile of a sorted array; null when empty. */
function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx] as number;
}
