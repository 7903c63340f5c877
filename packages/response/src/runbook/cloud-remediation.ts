import type { AccessEvent } from '@tokenwarden/core';

/** One remediation step: what to run, and why. */
export interface RemediationStep {
  /** The attacker's event this undoes. */
  event_id: string;
  event_time: string;
  why: string;
  /** The exact call, as an AWS CLI command line (or an Okta API call for Okta events). */
  command: string;
  /** Order class: stop the bleeding first (restore logging), then remove persistence, then the rest. */
  priority: 1 | 2 | 3;
}

function param(e: AccessEvent, ...keys: string[]): string | undefined {
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

function q(v: string | undefined, placeholder: string): string {
  if (v === undefined) return `<${placeholder}>`;
  return /^[A-Za-z0-9_./:@=+,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

type Rule = (e: AccessEvent) => Omit<RemediationStep, 'event_id' | 'event_time'> | undefined;

const RULES: Record<string, Rule> = {
  'cloudtrail:StopLogging': (e) => ({
    priority: 1,
    why: 'the attacker stopped CloudTrail logging',
    command: `aws cloudtrail start-logging --name ${q(param(e, 'name', 'Name'), 'trail-name')}`,
  }),
  'cloudtrail:DeleteTrail': (e) => ({
    priority: 1,
    why: 'the attacker deleted a trail; recreate it from your infrastructure code, then start it',
    command: `aws cloudtrail create-trail --name ${q(param(e, 'name', 'Name'), 'trail-name')} --s3-bucket-name <log-bucket> --is-multi-region-trail && aws cloudtrail start-logging --name ${q(param(e, 'name', 'Name'), 'trail-name')}`,
  }),
  'cloudtrail:UpdateTrail': (e) => ({
    priority: 1,
    why: 'the attacker changed a trail (destination, regions or validation); restore its settings from your infrastructure code',
    command: `aws cloudtrail update-trail --name ${q(param(e, 'name', 'Name'), 'trail-name')} --is-multi-region-trail --enable-log-file-validation`,
  }),
  'cloudtrail:PutEventSelectors': (e) => ({
    priority: 1,
    why: 'the attacker narrowed what CloudTrail records; restore management events',
    command: `aws cloudtrail put-event-selectors --trail-name ${q(param(e, 'trailName', 'TrailName'), 'trail-name')} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`,
  }),
  'guardduty:DeleteDetector': () => ({
    priority: 1,
    why: 'the attacker deleted the GuardDuty detector',
    command: 'aws guardduty create-detector --enable',
  }),
  'guardduty:UpdateDetector': (e) => ({
    priority: 1,
    why: 'the attacker changed (likely disabled) the GuardDuty detector',
    command: `aws guardduty update-detector --detector-id ${q(param(e, 'detectorId'), 'detector-id')} --enable`,
  }),
  'guardduty:DisassociateFromMasterAccount': () => ({
    priority: 1,
    why: 'the attacker detached this account from the GuardDuty administrator',
    command:
      'aws guardduty accept-administrator-invitation --detector-id <detector-id> --administrator-id <admin-account> --invitation-id <invitation-id>',
  }),
  'config:StopConfigurationRecorder': (e) => ({
    priority: 1,
    why: 'the attacker stopped AWS Config recording',
    command: `aws configservice start-configuration-recorder --configuration-recorder-name ${q(param(e, 'configurationRecorderName'), 'recorder-name')}`,
  }),
  'config:DeleteConfigurationRecorder': () => ({
    priority: 1,
    why: 'the attacker deleted the AWS Config recorder; recreate it from your infrastructure code',
    command: 'aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=<role-arn>',
  }),
  'iam:CreateAccessKey': (e) => ({
    priority: 2,
    why: 'the attacker created an access key to stay in',
    // The new key's id: in the response, or as the detection parsers keep it (`issued_credential_id`).
    command: `aws iam update-access-key --user-name ${q(param(e, 'userName'), 'user')} --access-key-id ${q(param(e, 'accessKeyId', 'issued_credential_id'), 'new-key-id')} --status Inactive && aws iam delete-access-key --user-name ${q(param(e, 'userName'), 'user')} --access-key-id ${q(param(e, 'accessKeyId', 'issued_credential_id'), 'new-key-id')}`,
  }),
  'iam:CreateUser': (e) => ({
    priority: 2,
    why: 'the attacker created an IAM user; remove its keys, login profile, policies and groups, then the user',
    command: `aws iam delete-login-profile --user-name ${q(param(e, 'userName'), 'user')}; aws iam list-access-keys --user-name ${q(param(e, 'userName'), 'user')}; aws iam delete-user --user-name ${q(param(e, 'userName'), 'user')}`,
  }),
  'iam:CreateLoginProfile': (e) => ({
    priority: 2,
    why: 'the attacker gave a user a console password',
    command: `aws iam delete-login-profile --user-name ${q(param(e, 'userName'), 'user')}`,
  }),
  'iam:UpdateLoginProfile': (e) => ({
    priority: 2,
    why: "the attacker changed a user's console password; reset it and force a change",
    command: `aws iam update-login-profile --user-name ${q(param(e, 'userName'), 'user')} --password-reset-required`,
  }),
  'iam:AttachUserPolicy': (e) => ({
    priority: 2,
    why: 'the attacker attached a policy to a user',
    command: `aws iam detach-user-policy --user-name ${q(param(e, 'userName'), 'user')} --policy-arn ${q(param(e, 'policyArn'), 'policy-arn')}`,
  }),
  'iam:AttachRolePolicy': (e) => ({
    priority: 2,
    why: 'the attacker attached a policy to a role',
    command: `aws iam detach-role-policy --role-name ${q(param(e, 'roleName'), 'role')} --policy-arn ${q(param(e, 'policyArn'), 'policy-arn')}`,
  }),
  'iam:PutUserPolicy': (e) => ({
    priority: 2,
    why: 'the attacker added an inline policy to a user',
    command: `aws iam delete-user-policy --user-name ${q(param(e, 'userName'), 'user')} --policy-name ${q(param(e, 'policyName'), 'policy-name')}`,
  }),
  'iam:PutRolePolicy': (e) => ({
    priority: 2,
    why: 'the attacker added an inline policy to a role',
    command: `aws iam delete-role-policy --role-name ${q(param(e, 'roleName'), 'role')} --policy-name ${q(param(e, 'policyName'), 'policy-name')}`,
  }),
  'iam:AddUserToGroup': (e) => ({
    priority: 2,
    why: 'the attacker added a user to a group',
    command: `aws iam remove-user-from-group --user-name ${q(param(e, 'userName'), 'user')} --group-name ${q(param(e, 'groupName'), 'group')}`,
  }),
  'iam:UpdateAssumeRolePolicy': (e) => ({
    priority: 2,
    why: 'the attacker changed who may assume a role; restore the trust policy from your infrastructure code',
    command: `aws iam update-assume-role-policy --role-name ${q(param(e, 'roleName'), 'role')} --policy-document file://trust-policy.json`,
  }),
  'iam:CreateRole': (e) => ({
    priority: 2,
    why: 'the attacker created a role',
    command: `aws iam delete-role --role-name ${q(param(e, 'roleName'), 'role')}`,
  }),
  'sts:GetFederationToken': () => ({
    priority: 3,
    why: 'the attacker minted federation tokens; they live until expiry: deny them with a policy revoking older sessions',
    command:
      'aws iam put-user-policy --user-name <user> --policy-name RevokeOldSessions --policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"<now>"}}}]}\'',
  }),
};

/**
 * Generates the exact remediation calls that undo what an attacker did in a cloud account, from
 * the attacker's CloudTrail events (TokenWarden has no cloud credentials of its own, so it writes
 * the runbook and a human or a pipeline runs it). Logging and alerting come back first, then
 * persistence is removed, then the rest; finally the stolen key itself is disabled.
 *
 * @example
 * ```ts
 * const steps = cloudRemediationRunbook(attackerEvents, 'AKIAEXAMPLE');
 * for (const s of steps) console.log(`# ${s.why}\n${s.command}`);
 * ```
 */
export function cloudRemediationRunbook(events: readonly AccessEvent[], stolenKeyId?: string, stolenKeyUser?: string): RemediationStep[] {
  const steps: RemediationStep[] = [];
  for (const e of events) {
    if (e.outcome === 'failure' || !e.operation) continue;
    // Own keys only: the operation is the log's text, and `constructor` must not find Object.prototype's.
    const rule = Object.hasOwn(RULES, e.operation) ? RULES[e.operation] : undefined;
    const step = rule?.(e);
    if (step) steps.push({ event_id: e.id, event_time: e.time, ...step });
  }
  steps.sort((a, b) => a.priority - b.priority || a.event_time.localeCompare(b.event_time));
  if (stolenKeyId) {
    steps.push({
      event_id: '-',
      event_time: events.at(-1)?.time ?? new Date().toISOString(),
      priority: 3,
      why: 'disable the stolen key itself, then delete it once the owner has a replacement',
      command: `aws iam update-access-key --access-key-id ${q(stolenKeyId, 'key-id')}${stolenKeyUser ? ` --user-name ${q(stolenKeyUser, 'user')}` : ''} --status Inactive`,
    });
  }
  return steps;
}

/** Renders a runbook as a shell script with comments, in order. */
export function renderRunbook(steps: readonly RemediationStep[]): string {
  const lines = ['#!/bin/sh', '# TokenWarden remediation runbook: review every line before running it.', 'set -eu', ''];
  for (const s of steps) lines.push(`# ${s.why} (undoes event ${s.event_id} at ${s.event_time})`, s.command, '');
  return lines.join('\n');
}
