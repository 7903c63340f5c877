import type { AccessEvent } from '@tokenwarden/core';
import type { RemediationStep } from './cloud-remediation.js';

/** A rule: the remediation step undoing one kind of attacker call, or undefined when there is nothing to undo. */
export type Rule = (e: AccessEvent) => Omit<RemediationStep, 'event_id' | 'event_time'> | undefined;

/**
 * The first string value of `keys` in a call's request parameters, response or attributes (one level of nesting
 * searched too: `responseElements.accessKey.accessKeyId`).
 *
 * @example
 * ```ts
 * param(event, 'userName'); // 'backup-admin'
 * ```
 */
export function param(e: AccessEvent, ...keys: string[]): string | undefined {
  const attrs = e.attributes ?? {};
  for (const bag of [attrs.requestParameters, attrs.responseElements, attrs]) {
    if (!bag || typeof bag !== 'object') continue;
    for (const k of keys) {
      const v = (bag as Record<string, unknown>)[k];
      if (typeof v === 'string' && v.length > 0) return v;
      if (v && typeof v === 'object') {
        // responseElements.accessKey.accessKeyId and similar nesting.
        for (const inner of Object.values(v as Record<string, unknown>)) {
          if (inner && typeof inner === 'object' && typeof (inner as Record<string, unknown>)[k] === 'string')
            return (inner as Record<string, string>)[k];
        }
      }
    }
    for (const v of Object.values(bag as Record<string, unknown>)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const k of keys) {
          const inner = (v as Record<string, unknown>)[k];
          if (typeof inner === 'string' && inner.length > 0) return inner;
        }
      }
    }
  }
  return undefined;
}

/**
 * A call's request parameters as an object (empty when the log kept none, or kept something else).
 *
 * @example
 * ```ts
 * requestParameters(event).bucketName; // 'payroll'
 * ```
 */
export function requestParameters(e: AccessEvent): Record<string, unknown> {
  const p = e.attributes?.requestParameters;
  return p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/**
 * A value as one shell word: plain tokens as they are, anything else single-quoted; `<placeholder>` when unknown.
 *
 * @example
 * ```ts
 * q("a'b", 'user'); // "'a'\\''b'"
 * ```
 */
export function q(v: string | undefined, placeholder: string): string {
  if (v === undefined) return `<${placeholder}>`;
  return /^[A-Za-z0-9_./:@=+,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * The strings of a list parameter (`alarmNames`, `instanceNames`), or of `attributes[key]` when it is a list.
 *
 * @example
 * ```ts
 * listParam(event, 'alarmNames'); // ['billing-high', 'root-login']
 * ```
 */
export function listParam(e: AccessEvent, key: string): string[] {
  const attrs = e.attributes ?? {};
  for (const bag of [attrs.requestParameters, attrs]) {
    if (!bag || typeof bag !== 'object') continue;
    const v = (bag as Record<string, unknown>)[key];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x.length > 0);
  }
  return [];
}

/**
 * ` --region R` for a call made in region R (CloudTrail's `awsRegion`, OCSF's `cloud.region`, or a plain `region`): the resources an
 * attacker made live in the region of the call, not the operator's default. Empty when unknown.
 *
 * @example
 * ```ts
 * regionFlag(event); // ' --region us-east-2'
 * ```
 */
export function regionFlag(e: AccessEvent): string {
  const r = e.attributes?.aws_region ?? e.attributes?.cloud_region ?? e.attributes?.region;
  return typeof r === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(r) ? ` --region ${r}` : '';
}

/**
 * The name of the `kind` (`user`, `trail`) a call acted on, from its `resource` when the log kept no request
 * parameter naming it: an ARN (`arn:aws:iam::123456789012:user/ops/aws-support-ops`), a `name=value` pair as the
 * parsers write it, or a bare name.
 */
function nameInResource(e: AccessEvent, kind: 'user' | 'trail'): string | undefined {
  const r = e.resource;
  if (!r) return undefined;
  const arn = new RegExp(`^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\\d*:${kind}/(?:[^/]+/)*([^/]+)$`).exec(r);
  if (arn) return arn[1];
  const pair = /^(?:name|Name|userName|trailName|TrailName)=([^=]+)$/.exec(r);
  if (pair) return pair[1];
  return /^[A-Za-z0-9_.@+=,-]+$/.test(r) && !r.includes('=') ? r : undefined;
}

/**
 * The IAM user a call acted on: its `userName` parameter, else the user its resource names.
 *
 * @example
 * ```ts
 * userName(createUserEvent); // 'aws-support-ops'
 * ```
 */
export function userName(e: AccessEvent): string | undefined {
  return param(e, 'userName') ?? nameInResource(e, 'user');
}

/**
 * The CloudTrail trail a call acted on: its `name`/`trailName` parameter (a name or an ARN), else its resource.
 *
 * @example
 * ```ts
 * trailName(stopLoggingEvent); // 'org-trail'
 * ```
 */
export function trailName(e: AccessEvent): string | undefined {
  return param(e, 'name', 'Name', 'trailName', 'TrailName') ?? nameInResource(e, 'trail');
}

/**
 * The IAM user name in a principal as CloudTrail names it (`arn:aws:iam::123456789012:user/legacy-backup-6`), or
 * undefined for a role, a session or anything else (their keys are not IAM users' access keys).
 *
 * @example
 * ```ts
 * iamUserOf('arn:aws:iam::123456789012:user/ops/legacy-backup-6'); // 'legacy-backup-6'
 * ```
 */
export function iamUserOf(principal: string | undefined): string | undefined {
  return principal ? /^arn:aws[a-z-]*:iam::\d+:user\/(?:[^/]+\/)*([A-Za-z0-9_+=,.@-]+)$/.exec(principal)?.[1] : undefined;
}
