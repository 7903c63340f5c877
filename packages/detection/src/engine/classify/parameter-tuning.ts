import type { EnrichedEvent } from '../../enriched-event.js';
import { requestParametersOf } from '../detectors/change-target.js';
import { classifyOperationName, type OperationClass, STAGE_MODIFICATION } from './operation-class.js';

/** Days of log retention from which a retention policy is housekeeping, not log destruction. */
const ROUTINE_RETENTION_DAYS = 7;

/** `logs:PutRetentionPolicy` as housekeeping: a setting changed, nothing privileged, nothing blinded. */
const ROUTINE_RETENTION: OperationClass = {
  ...classifyOperationName('logs:PutRetentionPolicy'),
  stage: STAGE_MODIFICATION,
  privilege: 'none',
  blinds: false,
};

/**
 * The event's class once its parameters are read, where they decide what the call means: a log group's retention set
 * to a week or more (`retentionInDays`, the 30 or 90 days a platform team sets on every new group) is housekeeping,
 * while one of a day or three destroys the logs of the intrusion within days (defense evasion, as classified by name).
 * Without the parameters (OCSF, a log that drops them), the name's class stands.
 *
 * @example
 * ```ts
 * tunedByParameters(ev, cls).privilege; // 'none' for PutRetentionPolicy with retentionInDays 30
 * ```
 */
export function tunedByParameters(ev: EnrichedEvent, cls: OperationClass): OperationClass {
  if (cls.name !== 'logs:PutRetentionPolicy') return cls;
  const days = requestParametersOf(ev)?.retentionInDays;
  const n = typeof days === 'number' ? days : typeof days === 'string' ? Number(days) : Number.NaN;
  return Number.isFinite(n) && n >= ROUTINE_RETENTION_DAYS ? ROUTINE_RETENTION : cls;
}
