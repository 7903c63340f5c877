import type { CredentialKind, Incident, Severity } from '@tokenwarden/core';
import { SEVERITIES } from '@tokenwarden/core';
import type { PolicyActionKind } from './responder.js';

/** One rule of automatic response: at or above a severity, for some credential kinds, take these actions. */
export interface AutoResponseRule {
  min_severity: Severity;
  /** Empty or missing: every kind. */
  credential_kinds?: CredentialKind[];
  actions: PolicyActionKind[];
}

/** Automatic response policy. Disabled or dry-run by default in production configs; the demo enables it. */
export interface AutoResponsePolicy {
  enabled: boolean;
  /** Plan and record what would be done, without doing it. */
  dry_run: boolean;
  rules: AutoResponseRule[];
}

/**
 * The default policy: contain automatically on `critical` (mint a successor for a service-account
 * token, block, revoke, sign out, suspend what the attacker created, block new sources, restore
 * settings); `high` pages a human, who acts with
 * `tokenwarden incidents contain`. Teams that want a reversible first step sooner add
 * `{ min_severity: 'high', actions: ['block_credential'] }`.
 *
 * @example
 * ```ts
 * const actions = actionsFor(DEFAULT_AUTO_POLICY, incident, 'api_key');
 * ```
 */
export const DEFAULT_AUTO_POLICY: AutoResponsePolicy = {
  enabled: true,
  dry_run: false,
  rules: [
    {
      min_severity: 'critical',
      actions: ['rotate_service_account', 'block_credential', 'revoke', 'signout', 'suspend', 'block_ip', 'restore_setting'],
    },
  ],
};

/** The action kinds the policy allows for this incident (the first matching rule wins). */
export function actionsFor(policy: AutoResponsePolicy, incident: Incident, kind: CredentialKind = 'unknown'): PolicyActionKind[] {
  if (!policy.enabled) return [];
  for (const rule of policy.rules) {
    if (SEVERITIES.indexOf(incident.severity) < SEVERITIES.indexOf(rule.min_severity)) continue;
    if (rule.credential_kinds && rule.credential_kinds.length > 0 && !rule.credential_kinds.includes(kind)) continue;
    return rule.actions;
  }
  return [];
}
