import type { Severity } from '@tokenwarden/core';
import type { DetectionConfig } from '../config.js';
import type { Finding } from '../detectors/types.js';
import { B_RULE_SEV, F_RISK, F_RISK_TS, F_RULE_TS, RULE_INDEX, RULES } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';

const SEVERITY_BY_RANK: readonly Severity[] = ['low', 'low', 'medium', 'high', 'critical'];

/**
 * Two scores (0-100) as independent evidence: 1 − (1 − a)(1 − b). Both at once weigh more than
 * either, never past 100. The risk score combines findings this way, and the chain's context
 * combines a new place with a new client (a traveller keeps their laptop; a new laptop stays at
 * the desk, so the two together are rarer than either).
 *
 * @example
 * ```ts
 * combineIndependent(40, 40); // 64
 * ```
 */
export function combineIndependent(a: number, b: number): number {
  const pa = Math.min(Math.max(a, 0), 100) / 100;
  const pb = Math.min(Math.max(b, 0), 100) / 100;
  return 100 * (1 - (1 - pa) * (1 - pb));
}

/**
 * Severity of a calibrated score.
 *
 * @example
 * ```ts
 * severityOf(70, DEFAULT_DETECTION_CONFIG.risk); // 'high'
 * ```
 */
export function severityOf(score: number, r: DetectionConfig['risk']): Severity {
  return SEVERITY_BY_RANK[severityRank(score, r)]!;
}

function severityRank(score: number, r: DetectionConfig['risk']): number {
  if (score >= r.criticalScore) return 4;
  if (score >= r.highScore) return 3;
  if (score >= r.mediumScore) return 2;
  return 1;
}

/** Rules whose novelty is too common among benign users to corroborate anything on its own. */
const WEAK_RULES: ReadonlySet<string> = new Set(['unusual_time', 'data_access']);

function isWeakContext(f: Finding): boolean {
  return f.noveltyOnly && WEAK_RULES.has(f.rule);
}

/**
 * The credential's risk (0-100) at `now`, decayed exponentially with `halfLifeHours`.
 *
 * @example
 * ```ts
 * currentRisk(profile, Date.now(), cfg.risk);
 * ```
 */
export function currentRisk(p: Profile, now: number, r: DetectionConfig['risk']): number {
  const risk = p.f[p.fo + F_RISK]!;
  if (risk === 0) return 0;
  const dt = Math.max(0, now - p.f[p.fo + F_RISK_TS]!);
  return risk * 0.5 ** (dt / (r.halfLifeHours * 3_600_000));
}

/** Outcome of calibrating one finding. */
export interface Calibrated {
  score: number;
  severity: Severity;
  risk: number;
  corroborating: string[];
  capped: string | undefined;
}

/**
 * Calibrate a finding into a score and severity, or return undefined when dedupe suppresses it.
 * - the decaying risk combines findings as independent evidence: risk' = 1 − (1 − risk)(1 − score);
 * - a finding corroborated by other rules within `corroborationWindowHours` takes the combined risk;
 * - pure novelty (place, client, time, data) cannot exceed `medium` alone or during the learning period, unless
 *   it pages alone (`Finding.pagesAlone`), and never exceeds `high`;
 * - one alert per rule per credential per `dedupeWindowMinutes`, unless the severity escalates (or, for a finding
 *   marked `laterStageIsNews`, it reaches a later stage than the rule reported in the window); for pure novelty, one
 *   per `corroborationWindowHours` unless the severity escalates.
 * Updates the profile's risk and dedupe state only when the alert is emitted.
 *
 * @example
 * ```ts
 * const c = calibrate(profile, finding, now, mature, cfg);
 * if (c) console.log(c.severity);
 * ```
 */
export function calibrate(p: Profile, f: Finding, now: number, mature: boolean, cfg: DetectionConfig): Calibrated | undefined {
  const r = cfg.risk;
  const ruleIndex = RULE_INDEX[f.rule];
  const corroborating: string[] = [];
  const corroborationMs = r.corroborationWindowHours * 3_600_000;
  // The chain summarises the other rules (its suspicion comes from them): it neither corroborates them nor is
  // corroborated by them, which would count the same evidence twice.
  const chainIndex = RULE_INDEX.attack_chain;
  for (let i = 0; i < RULES.length; i++) {
    if (i === ruleIndex || i === chainIndex || ruleIndex === chainIndex) continue;
    const ts = p.f[p.fo + F_RULE_TS + i]!;
    if (ts !== 0 && now - ts <= corroborationMs && now >= ts) corroborating.push(RULES[i]!);
  }
  const weak = isWeakContext(f);
  const risk = currentRisk(p, now, r);
  const lastTs = p.f[p.fo + F_RULE_TS + ruleIndex]!;
  // A rule repeating inside its dedupe window is the same evidence again: it must not compound the risk.
  const repeat = lastTs !== 0 && now - lastTs < r.dedupeWindowMinutes * 60_000 && now >= lastTs;
  // Novelty found again within the corroboration window is the same news (a new laptop seen every hour of its first
  // day): counted once, or an hourly repeat would compound into a page that no new fact supports.
  const novelAgain = f.noveltyOnly && lastTs !== 0 && now - lastTs <= corroborationMs && now >= lastTs;
  const contribution = repeat || novelAgain ? 0 : Math.min(f.score, 100) * (weak ? 0.5 : 1);
  const combined = combineIndependent(risk, contribution);
  let score = Math.round(Math.min(100, Math.max(0, corroborating.length > 0 ? Math.max(f.score, combined) : f.score)));
  let capped: string | undefined;
  if (f.noveltyOnly && f.pagesAlone !== true && score >= r.highScore) {
    if (weak) capped = 'context signal: adds risk to other alerts but cannot page itself';
    else if (!mature) capped = 'learning period: novelty alone cannot page';
    else if (!corroborating.some((rule) => !WEAK_RULES.has(rule))) capped = 'uncorroborated novelty cannot page';
    if (capped !== undefined) score = r.highScore - 1;
  }
  // Critical is reserved for direct evidence (canary, revoked token, chain to persistence): never novelty.
  if (f.noveltyOnly && score >= r.criticalScore) {
    capped = 'novelty is at most high';
    score = r.criticalScore - 1;
  }
  const rank = severityRank(score, r);
  // The byte keeps the rule's last severity rank (bits 0-2) and the latest stage it reported in the window (3-5).
  const reported = p.b[p.bo + B_RULE_SEV + ruleIndex]!;
  const reportedStage = repeat ? reported >> 3 : 0;
  const laterStage = f.laterStageIsNews === true && f.stage > reportedStage;
  // The same news again (within the dedupe window, or novelty within the corroboration window) is not alerted on
  // again unless it is worse: a traveller's "new country" seen every hour of the first morning abroad is one alert.
  if ((repeat || novelAgain) && rank <= (reported & 7) && !laterStage && f.alwaysReport !== true) return undefined;
  p.f[p.fo + F_RULE_TS + ruleIndex] = now;
  p.b[p.bo + B_RULE_SEV + ruleIndex] = rank | (Math.max(reportedStage, f.stage) << 3);
  p.f[p.fo + F_RISK] = combined;
  p.f[p.fo + F_RISK_TS] = now;
  return { score, severity: SEVERITY_BY_RANK[rank]!, risk: Math.round(combined), corroborating, capped };
}
