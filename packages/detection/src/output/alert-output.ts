import type { Alert, AttackStage, Severity } from '@tokenwarden/core';

/** Output formats of `tokenwarden detect`. */
export type AlertOutputFormat = 'native' | 'ocsf';

const SEVERITY_ID: Record<Severity, number> = { low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Record<Severity, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

// MITRE ATT&CK tactic per attack-chain stage, so SIEMs can pivot on a familiar taxonomy.
const TACTICS: Partial<Record<AttackStage, { uid: string; name: string }>> = {
  validity_check: { uid: 'TA0001', name: 'Initial Access' },
  capability_probe: { uid: 'TA0007', name: 'Discovery' },
  discovery: { uid: 'TA0007', name: 'Discovery' },
  collection: { uid: 'TA0009', name: 'Collection' },
  modification: { uid: 'TA0040', name: 'Impact' },
  persistence: { uid: 'TA0003', name: 'Persistence' },
  defense_evasion: { uid: 'TA0005', name: 'Defense Evasion' },
};

// OCSF risk level (1 Low .. 4 Critical) of a severity: the calibrated severity, not the raw score, so a finding
// never reads "severity Low, risk Medium" (the score thresholds are configurable and novelty is capped below them).
const RISK_LEVEL: Record<Severity, { id: number; name: string }> = {
  low: { id: 1, name: 'Low' },
  medium: { id: 2, name: 'Medium' },
  high: { id: 3, name: 'High' },
  critical: { id: 4, name: 'Critical' },
};

/**
 * Maps an alert to an OCSF 1.3 Detection Finding (class_uid 2004, category_uid 2, activity
 * Create). Our own fields (credential, principal, rule, stage, score, evidence) are carried in
 * `unmapped` as well as in their OCSF places (`finding_info`, `actor.session.credential_uid`,
 * `risk_score`, `evidences`).
 *
 * @example
 * ```ts
 * const finding = toOcsfDetectionFinding(alert, { version: '0.1.0' });
 * finding.class_uid; // 2004
 * ```
 */
export function toOcsfDetectionFinding(alert: Alert, product: { version: string }): Record<string, unknown> {
  const time = Date.parse(alert.time);
  const risk = RISK_LEVEL[alert.severity];
  const tactic = TACTICS[alert.stage];
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: SEVERITY_ID[alert.severity],
    severity: SEVERITY_NAME[alert.severity],
    status_id: 1,
    status: 'New',
    time,
    message: alert.summary,
    confidence_score: Math.round(alert.score),
    risk_score: Math.round(alert.score),
    risk_level_id: risk.id,
    risk_level: risk.name,
    metadata: {
      version: '1.3.0',
      uid: alert.id,
      product: { name: 'TokenWarden', vendor_name: 'TokenWarden', version: product.version, feature: { name: 'detection' } },
      ...(alert.detected_at ? { processed_time: Date.parse(alert.detected_at) } : {}),
    },
    finding_info: {
      uid: alert.id,
      title: alert.rule,
      desc: alert.summary,
      types: alert.stage === 'none' ? [alert.rule] : [alert.rule, alert.stage],
      first_seen_time: time,
      last_seen_time: time,
      ...(tactic ? { attacks: [{ tactic, version: '14' }] } : {}),
      ...(alert.event_ids && alert.event_ids.length > 0 ? { related_events: alert.event_ids.map((uid) => ({ uid })) } : {}),
    },
    actor: {
      session: { credential_uid: alert.credential },
      ...(alert.principal ? { user: { uid: alert.principal, name: alert.principal } } : {}),
    },
    evidences: [{ data: alert.evidence }],
    unmapped: {
      id: alert.id,
      credential: alert.credential,
      ...(alert.principal ? { principal: alert.principal } : {}),
      rule: alert.rule,
      severity: alert.severity,
      score: alert.score,
      stage: alert.stage,
      summary: alert.summary,
      evidence: alert.evidence,
      ...(alert.incident_id ? { incident_id: alert.incident_id } : {}),
    },
  };
}

/**
 * The native alert line: the pinned fields first and always present, then the optional ones. When
 * the input names no principal (an nginx line with a bare key), the credential stands for itself,
 * as it does in the engine's baselines: `principal` is the credential id, a string like every
 * principal (the published schema's type), never null.
 *
 * @example
 * ```ts
 * toNativeAlert(alert); // { id, time, credential, principal, rule, severity, score, stage, summary, evidence, ... }
 * ```
 */
export function toNativeAlert(alert: Alert): Record<string, unknown> {
  const { id, time, credential, principal, rule, severity, score, stage, summary, evidence, ...rest } = alert;
  return { id, time, credential, principal: principal ?? credential, rule, severity, score, stage, summary, evidence, ...rest };
}

/**
 * Creates the line formatter for an output format: native alerts as they are (one JSON object
 * per line), or OCSF Detection Findings.
 *
 * @example
 * ```ts
 * const format = createAlertFormatter('ocsf', { version: '0.1.0' });
 * process.stdout.write(`${format(alert)}\n`);
 * ```
 */
export function createAlertFormatter(format: AlertOutputFormat, product: { version: string }): (alert: Alert) => string {
  if (format === 'ocsf') return (alert) => JSON.stringify(toOcsfDetectionFinding(alert, product));
  return (alert) => JSON.stringify(toNativeAlert(alert));
}
