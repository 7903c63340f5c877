import type { AccessEvent } from '@tokenwarden/core';
import { ABUSE_RULES } from './abuse-rules.js';
import { ACCESS_RULES } from './access-rules.js';
import { EXPOSURE_RULES } from './exposure-rules.js';
import { MONITORING_RULES } from './monitoring-rules.js';
import { OKTA_RULES } from './okta-rules.js';
import { q, type Rule } from './remediation-params.js';

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

const RULES: Readonly<Record<string, Rule>> = {
  ...MONITORING_RULES,
  ...ACCESS_RULES,
  ...ABUSE_RULES,
  ...EXPOSURE_RULES,
  ...OKTA_RULES,
};

/**
 * Generates the exact remediation calls that undo what an attacker did in a cloud account or an Okta org, from
 * the attacker's CloudTrail (or OCSF) and Okta System Log events: AWS CLI command lines and Okta Management API
 * calls (TokenWarden has no cloud credentials of its own, so it writes the runbook and a human or a pipeline runs
 * it). Logging and alerting come back first, then persistence and abuse are removed, then the rest; finally the
 * stolen key itself is disabled.
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
  const lines = ['#!/bin/sh', '# TokenWarden remediation runbook: review every line before running it.'];
  if (steps.some((s) => s.command.includes('$OKTA_ORG_URL')))
    lines.push('# Okta calls read OKTA_ORG_URL (https://<your-org>.okta.com) and OKTA_API_TOKEN from the environment.');
  lines.push('set -eu', '');
  // The event's id and time come from the log: a line break in them must not end the comment and become a command.
  const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  for (const s of steps) {
    // The stolen key's own step undoes no one event of the log.
    const undoes = s.event_id === '-' ? '' : ` (undoes event ${s.event_id} at ${s.event_time})`;
    lines.push(oneLine(`# ${s.why}${undoes}`), s.command, '');
  }
  return lines.join('\n');
}
