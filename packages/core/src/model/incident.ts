import Type from 'typebox';
import { AttackStage, Severity, Timestamp } from './common.js';

/** Incident status: open, contained (attacker cut off), resolved, or false positive. */
export const IncidentStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('contained'),
  Type.Literal('resolved'),
  Type.Literal('false_positive'),
]);
export type IncidentStatus = Type.Static<typeof IncidentStatus>;

/** One entry of an incident's timeline: an alert, an action, a status change or a note. */
export const TimelineEntry = Type.Object(
  {
    time: Timestamp,
    kind: Type.Union([Type.Literal('alert'), Type.Literal('action'), Type.Literal('status'), Type.Literal('note')]),
    summary: Type.String(),
    ref: Type.Optional(Type.String({ description: 'alert id, action id or audit entry id' })),
    actor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type TimelineEntry = Type.Static<typeof TimelineEntry>;

/** The alerts of one credential and of the credentials it created, with status and timeline. */
export const Incident = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    credential_id: Type.String(),
    principal: Type.Optional(Type.String()),
    status: IncidentStatus,
    severity: Severity,
    risk_score: Type.Number({ minimum: 0, maximum: 100 }),
    stage: AttackStage,
    opened_at: Timestamp,
    updated_at: Timestamp,
    first_event_at: Timestamp,
    alert_ids: Type.Array(Type.String()),
    related_credential_ids: Type.Array(Type.String()),
    timeline: Type.Array(TimelineEntry),
  },
  { $id: 'Incident', additionalProperties: false, title: 'Incident' },
);
export type Incident = Type.Static<typeof Incident>;
