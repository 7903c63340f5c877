import type { EnrichedEvent } from '../../enriched-event.js';
import type { OperationClass } from '../classify/operation-class.js';

/** AWS managed policies that make their holder an administrator (PowerUserAccess: everything but IAM). */
const ADMIN_POLICY = /:policy\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/;
/** An inline or customer policy allowing every action, or every IAM action (`"Action": "*"`, `["iam:*"]`). */
const ALLOW_ALL = /"Action"\s*:\s*\[?\s*"(\*|iam:\*)"/;
/** Okta changes that hand out administrator roles. */
const OKTA_ADMIN_GRANTS: ReadonlySet<string> = new Set(['okta:user.account.privilege.grant', 'okta:group.privilege.grant']);
/** Okta roles that only look: `Read-only Administrator`, `Report Administrator` (READ_ONLY_ADMIN, REPORT_ADMIN). */
const LOOK_ONLY_ROLE = /read[-_ ]?only|report/i;
/** Roles that administer, named beside a look-only one in the same grant. */
const FULL_ADMIN_ROLE =
  /super|org(anization)?[-_ ]?admin|app(lication)?[-_ ]?admin|user[-_ ]?admin|group[-_ ]?admin|help[-_ ]?desk|api[-_ ]?access/i;

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The request parameters a CloudTrail or OCSF write kept (`attributes.requestParameters`), if any.
 *
 * @example
 * ```ts
 * requestParametersOf({ attributes: { requestParameters: { userName: 'bob' } } } as EnrichedEvent); // { userName: 'bob' }
 * ```
 */
export function requestParametersOf(ev: EnrichedEvent): Record<string, unknown> | undefined {
  const p = ev.attributes?.requestParameters;
  return p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
}

/**
 * True when a privileged change grants administrator-level access: an AWS managed admin policy attached
 * (AdministratorAccess, IAMFullAccess, PowerUserAccess), a policy document allowing `*` or `iam:*`, or an Okta
 * administrator role assigned (not a read-only or report role). The escalation step of nearly every cloud intrusion write-up.
 *
 * @example
 * ```ts
 * isAdminGrant({ operation: 'iam:AttachUserPolicy', attributes: { requestParameters: { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } } } as EnrichedEvent); // true
 * ```
 */
export function isAdminGrant(ev: EnrichedEvent): boolean {
  if (ev.operation !== undefined && OKTA_ADMIN_GRANTS.has(ev.operation)) {
    // A role that can only look (read-only, reports) is no administrator's power; an unnamed role may be any.
    const role = ev.attributes?.okta_role;
    return !(typeof role === 'string' && LOOK_ONLY_ROLE.test(role) && !FULL_ADMIN_ROLE.test(role));
  }
  const params = requestParametersOf(ev);
  if (params === undefined) return false;
  const arn = text(params.policyArn);
  if (arn !== undefined && ADMIN_POLICY.test(arn)) return true;
  const doc = text(params.policyDocument);
  return doc !== undefined && ALLOW_ALL.test(doc);
}

/**
 * True when a change names an IAM user other than the caller (`requestParameters.userName`): keys, logins or
 * policies for someone else are not a user managing their own access. No user named means the caller itself,
 * as for `aws iam create-access-key` without `--user-name`.
 *
 * @example
 * ```ts
 * targetsOtherUser({ principal: 'arn:aws:iam::1:user/eve', attributes: { requestParameters: { userName: 'svc-backup' } } } as EnrichedEvent); // true
 * ```
 */
export function targetsOtherUser(ev: EnrichedEvent): boolean {
  const target = text(requestParametersOf(ev)?.userName);
  if (target === undefined) return false;
  const principal = ev.principal ?? '';
  const slash = principal.lastIndexOf('/');
  // An IAM user's ARN ends in its name; a role session is never the IAM user it names.
  return !(principal.includes(':user/') && principal.slice(slash + 1) === target);
}

/**
 * True when an Okta factor change (enroll, reset, deactivate) or password reset targets the very user whose session
 * made it: a person re-enrolling Okta Verify on a new phone or laptop, or through the forgotten-password flow, not an
 * administrator stripping someone else's MFA or taking their account. From a familiar place and device it is that
 * person's self-service, as rotating one's own key is.
 *
 * @example
 * ```ts
 * managesOwnFactors({ operation: 'okta:user.mfa.factor.deactivate', principal: 'carol@acme.io', resource: 'User:carol@acme.io' } as EnrichedEvent); // true
 * ```
 */
export function managesOwnFactors(ev: EnrichedEvent): boolean {
  const op = ev.operation;
  if (op === undefined || ev.principal === undefined) return false;
  if (!op.startsWith('okta:user.mfa.factor.') && op !== 'okta:user.account.reset_password') return false;
  return ev.resource === `User:${ev.principal}`;
}

/**
 * True when a defense-evasion change switches audit logging or alerting off rather than tuning it: an operation
 * that always does (`OperationClass.blinds`: a trail stopped, a detector deleted, alarm actions disabled), or one
 * whose parameters do: a trail's event selectors that all leave management events out, a GuardDuty detector
 * updated to `enable: false`.
 *
 * @example
 * ```ts
 * switchesMonitoringOff(ev, classifyOperationName('guardduty:UpdateDetector')); // true with requestParameters { enable: false }
 * ```
 */
export function switchesMonitoringOff(ev: EnrichedEvent, cls: OperationClass): boolean {
  if (cls.blinds) return true;
  if (cls.privilege !== 'defense_evasion') return false;
  const params = requestParametersOf(ev);
  if (params === undefined) return false;
  if (cls.name === 'guardduty:UpdateDetector') return params.enable === false;
  if (cls.name === 'cloudtrail:PutEventSelectors') {
    const selectors = params.eventSelectors;
    return (
      Array.isArray(selectors) &&
      selectors.length > 0 &&
      selectors.every((s) => s !== null && typeof s === 'object' && (s as Record<string, unknown>).includeManagementEvents === false)
    );
  }
  return false;
}
