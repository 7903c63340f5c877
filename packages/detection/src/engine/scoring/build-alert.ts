import { type Alert, ATTACK_STAGES, derivedUlid } from '@tokenwarden/core';
import type { Finding } from '../detectors/types.js';
import type { Calibrated } from './risk.js';

/**
 * Turn a calibrated finding into an `Alert`: `time` is the triggering event's time, `credential` the
 * credential id as in the input, and `evidence` the detector's explanation plus how the score was reached.
 * The id is derived from the credential, rule, event and summary, so it is the same on every run.
 *
 * @example
 * ```ts
 * const alert = buildAlert(finding, calibrated, event.ts, 'AKIA...', 'alice', event.id);
 * ```
 */
export function buildAlert(
  f: Finding,
  c: Calibrated,
  ts: number,
  credential: string,
  principal: string | undefined,
  eventId: string | undefined,
): Alert {
  const alert: Alert = {
    // Derived from what raised it, not drawn at random: the same log read twice gives the same alerts, ids
    // included, so a replay is recognised (the store keeps one) and two runs can be compared line by line.
    id: `alr_${derivedUlid(ts, [credential, f.rule, eventId ?? '', f.summary])}`,
    time: new Date(ts).toISOString(),
    credential,
    rule: f.rule,
    severity: c.severity,
    score: c.score,
    stage: ATTACK_STAGES[f.stage] ?? 'none',
    summary: f.summary,
    evidence: {
      ...f.evidence,
      scoring: {
        detector_score: Math.round(f.score),
        credential_risk: c.risk,
        corroborated_by: c.corroborating,
        ...(c.capped === undefined ? {} : { capped: c.capped }),
      },
    },
  };
  if (principal !== undefined) alert.principal = principal;
  if (eventId !== undefined) alert.event_ids = [eventId];
  return alert;
}
