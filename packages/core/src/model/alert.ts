import Type from 'typebox';
import { AttackStage, Severity, Timestamp } from './common.js';

/**
 * A detection result. `time` is the event time of the event that raised it; `credential` is the
 * credential id exactly as it appears in the input. `evidence` explains what was new against
 * which baseline.
 */
export const Alert = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    time: Timestamp,
    credential: Type.String(),
    principal: Type.Optional(Type.String()),
    rule: Type.String({ minLength: 1 }),
    severity: Severity,
    score: Type.Number({ minimum: 0, maximum: 100 }),
    stage: AttackStage,
    summary: Type.String(),
    evidence: Type.Record(Type.String(), Type.Unknown()),
    event_ids: Type.Optional(Type.Array(Type.String())),
    detected_at: Type.Optional(Timestamp),
    incident_id: Type.Optional(Type.String()),
  },
  { $id: 'Alert', additionalProperties: false, title: 'Alert' },
);
export type Alert = Type.Static<typeof Alert>;
