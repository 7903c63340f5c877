import Type from 'typebox';

/** An RFC 3339 / ISO 8601 timestamp with a zone, as text. */
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 timestamp with zone' });

/** Alert and incident severity. `high` and `critical` mean "act now". */
export const Severity = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')], {
  description: 'low | medium | high | critical; high and critical mean act now',
});
export type Severity = Type.Static<typeof Severity>;

/** Severities in ascending order. */
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * Stages of the token-abuse attack chain, in the order an attacker usually walks them.
 * `none` marks activity not attributed to any stage.
 */
export const AttackStage = Type.Union(
  [
    Type.Literal('none'),
    Type.Literal('validity_check'),
    Type.Literal('capability_probe'),
    Type.Literal('discovery'),
    Type.Literal('collection'),
    Type.Literal('modification'),
    Type.Literal('persistence'),
    Type.Literal('defense_evasion'),
  ],
  { description: 'attack-chain stage' },
);
export type AttackStage = Type.Static<typeof AttackStage>;

/** Attack stages in chain order (index = progression). */
export const ATTACK_STAGES: readonly AttackStage[] = [
  'none',
  'validity_check',
  'capability_probe',
  'discovery',
  'collection',
  'modification',
  'persistence',
  'defense_evasion',
];

/**
 * Where a raw record came from: a file and line, or a stream and offset.
 * Lets an analyst go from any event or alert back to the exact source record.
 */
export const RecordOrigin = Type.Object(
  {
    file: Type.Optional(Type.String()),
    line: Type.Optional(Type.Integer({ minimum: 1 })),
    record: Type.Optional(Type.Integer({ minimum: 1, description: "position in the line's JSON array (a CloudTrail file is one line)" })),
    stream: Type.Optional(Type.String()),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, description: 'file:line or stream offset of the raw record' },
);
export type RecordOrigin = Type.Static<typeof RecordOrigin>;

/** Systems that produce events. Open-ended: adapters may add their own names. */
export const SourceSystem = Type.String({
  minLength: 1,
  description: 'gateway | token-service | cloudtrail | ocsf | okta | nginx | native | ...',
});
