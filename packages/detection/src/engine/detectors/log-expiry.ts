import { ABUSE_DATA_LIFECYCLE } from '../classify/abuse-catalog.js';
import { STAGE_DEFENSE_EVASION } from '../classify/operation-class.js';
import { byDeploymentTooling } from './change-maker.js';
import { requestParametersOf } from './change-target.js';
import type { DetectionContext, Finding } from './types.js';

/**
 * Buckets that hold audit logs: the console's default CloudTrail bucket (`aws-cloudtrail-logs-<account>-<id>`), and
 * names that say trail or audit.
 */
const AUDIT_BUCKET = /cloudtrail|trail[-_.]?logs?|audit/i;
const LIFECYCLE_OPERATIONS: ReadonlySet<string> = new Set(['s3:PutBucketLifecycle', 's3:PutBucketLifecycleConfiguration']);

function daysOf(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** The shortest `Expiration.Days` of an enabled rule (CloudTrail logs one rule as an object, several as an array). */
function shortestExpiry(params: Record<string, unknown>): number | undefined {
  const config = (params.LifecycleConfiguration ?? params.lifecycleConfiguration) as Record<string, unknown> | undefined;
  const rules = config?.Rule ?? config?.Rules ?? config?.rules;
  let shortest: number | undefined;
  for (const rule of Array.isArray(rules) ? rules : [rules]) {
    if (rule === null || typeof rule !== 'object') continue;
    const r = rule as Record<string, unknown>;
    if (typeof r.Status === 'string' && r.Status.toLowerCase() !== 'enabled') continue;
    const days = daysOf((r.Expiration as Record<string, unknown> | undefined)?.Days);
    if (days !== undefined && (shortest === undefined || days < shortest)) shortest = days;
  }
  return shortest;
}

/**
 * Defense evasion by expiry: a lifecycle rule on an audit log bucket (CloudTrail's, or one named for audit logs) that
 * deletes its objects within `logExpiry.shortExpiryDays` (7), so the record of what the attacker did is gone before anyone reads
 * it (Stratus Red Team's cloudtrail-lifecycle-rule). Logging is not switched off, so the trail-focused rules see
 * nothing; retention on audit logs is set in months or years, never days. Infrastructure as code and cloud services
 * acting for the caller are exempt.
 *
 * @example
 * ```ts
 * detectLogExpiry(ctx, findings);
 * ```
 */
export function detectLogExpiry(ctx: DetectionContext, out: Finding[]): void {
  // Every event passes here: the lifecycle calls are the abuse catalog's, a number to compare.
  if (ctx.cls.abuse !== ABUSE_DATA_LIFECYCLE || !LIFECYCLE_OPERATIONS.has(ctx.cls.name)) return;
  if (ctx.ev.outcome === 'failure' || byDeploymentTooling(ctx)) return;
  const params = requestParametersOf(ctx.ev);
  const bucket = params?.bucketName;
  if (params === undefined || typeof bucket !== 'string' || !AUDIT_BUCKET.test(bucket)) return;
  const days = shortestExpiry(params);
  // Retention on audit logs is months or years; days destroy the trail before anyone reads it (act now).
  const t = ctx.cfg.logExpiry;
  if (days === undefined || days > t.shortExpiryDays) return;
  out.push({
    rule: 'privileged_change',
    score: t.score,
    stage: STAGE_DEFENSE_EVASION,
    summary: `defense evasion: audit log bucket ${bucket} set to delete its logs after ${days} day(s)`,
    evidence: {
      kind: 'audit_log_expiry',
      operation: ctx.cls.name,
      bucket,
      expiry_days: days,
      thresholds: { expiry_days: t.shortExpiryDays },
    },
    noveltyOnly: false,
    suspicion: t.score,
    laterStageIsNews: true,
  });
}
