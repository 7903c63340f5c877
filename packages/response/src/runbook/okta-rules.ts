import type { AccessEvent } from '@tokenwarden/core';
import type { Rule } from './remediation-params.js';

/** One target of an Okta change, as the detection parser keeps it (`attributes.okta_targets`). */
interface OktaTarget {
  type: string;
  id: string;
}

/** The id of the first target whose type matches, when it is an Okta id (safe in a URL and a shell word). */
function targetId(e: AccessEvent, type: RegExp): string | undefined {
  const targets = e.attributes?.okta_targets;
  if (!Array.isArray(targets)) return undefined;
  for (const t of targets as Partial<OktaTarget>[]) {
    if (t && typeof t.type === 'string' && typeof t.id === 'string' && type.test(t.type) && /^[A-Za-z0-9_-]{1,64}$/.test(t.id)) return t.id;
  }
  return undefined;
}

const USER = /^user$/i;
const GROUP = /group/i;
const APP = /^(appinstance|application|app)$/i;

/**
 * An Okta Management API call, with the org URL and an API token from the environment (`OKTA_ORG_URL`,
 * `OKTA_API_TOKEN`), so the runbook script carries no secret and stops (`set -u`) when they are not set.
 */
function okta(method: 'POST' | 'DELETE' | 'GET', path: string): string {
  return `curl -sS -X ${method} -H "Authorization: SSWS $OKTA_API_TOKEN" -H 'Accept: application/json' "$OKTA_ORG_URL${path}"`;
}

/**
 * The log does not name the role assignment or factor: list them, and leave the removal as a comment to complete
 * (run as it stands, a placeholder would only earn a 404).
 */
function listThenRemove(path: string, placeholder: string): string {
  return `${okta('GET', path)}  # then: ${okta('DELETE', `${path}/<${placeholder}>`)}`;
}

function id(v: string | undefined, placeholder: string): string {
  return v ?? `<${placeholder}>`;
}

/**
 * Undoing what a hijacked Okta session or API token changed, as Okta Management API calls: log streams and event
 * hooks switched back on first (priority 1); then the API tokens, users, identity providers and apps it created,
 * the memberships, roles and factors it added (priority 2). Policy and network-zone edits are not here: their
 * previous settings are not in the log, so they are restored from the organisation's own configuration.
 */
export const OKTA_RULES: Readonly<Record<string, Rule>> = {
  'okta:system.log_stream.lifecycle.deactivate': (e) => ({
    priority: 1,
    why: 'the attacker deactivated a log stream (events stopped reaching the SIEM)',
    command: okta('POST', `/api/v1/logStreams/${id(targetId(e, /logstream/i), 'log-stream-id')}/lifecycle/activate`),
  }),
  'okta:event_hook.deactivated': (e) => ({
    priority: 1,
    why: 'the attacker deactivated an event hook',
    command: okta('POST', `/api/v1/eventHooks/${id(targetId(e, /eventhook/i), 'event-hook-id')}/lifecycle/activate`),
  }),
  'okta:system.api_token.create': (e) => ({
    priority: 2,
    why: 'the attacker created an Okta API token to stay in',
    command: okta('DELETE', `/api/v1/api-tokens/${id(targetId(e, /token/i), 'api-token-id')}`),
  }),
  'okta:user.lifecycle.create': (e) => ({
    priority: 2,
    why: 'the attacker created a user',
    command: okta('POST', `/api/v1/users/${id(targetId(e, USER), 'user-id')}/lifecycle/deactivate`),
  }),
  'okta:system.idp.lifecycle.create': (e) => ({
    priority: 2,
    why: 'the attacker added an identity provider (it can sign in as your users)',
    command: okta('POST', `/api/v1/idps/${id(targetId(e, /identityprovider|idp/i), 'idp-id')}/lifecycle/deactivate`),
  }),
  'okta:application.lifecycle.create': (e) => ({
    priority: 2,
    why: 'the attacker created an application',
    command: okta('POST', `/api/v1/apps/${id(targetId(e, APP), 'app-id')}/lifecycle/deactivate`),
  }),
  'okta:app.oauth2.client.lifecycle.create': (e) => ({
    priority: 2,
    why: 'the attacker created an OAuth client',
    command: okta('POST', `/api/v1/apps/${id(targetId(e, APP), 'app-id')}/lifecycle/deactivate`),
  }),
  'okta:group.user_membership.add': (e) => ({
    priority: 2,
    why: 'the attacker added a user to a group',
    command: okta('DELETE', `/api/v1/groups/${id(targetId(e, GROUP), 'group-id')}/users/${id(targetId(e, USER), 'user-id')}`),
  }),
  'okta:application.user_membership.add': (e) => ({
    priority: 2,
    why: 'the attacker assigned a user to an application',
    command: okta('DELETE', `/api/v1/apps/${id(targetId(e, APP), 'app-id')}/users/${id(targetId(e, USER), 'user-id')}`),
  }),
  'okta:user.account.privilege.grant': (e) => {
    const user = id(targetId(e, USER), 'user-id');
    return {
      priority: 2,
      why: 'the attacker gave a user an administrator role; list its roles, then remove the one granted',
      command: listThenRemove(`/api/v1/users/${user}/roles`, 'role-assignment-id'),
    };
  },
  'okta:group.privilege.grant': (e) => {
    const group = id(targetId(e, GROUP), 'group-id');
    return {
      priority: 2,
      why: 'the attacker gave a group an administrator role; list its roles, then remove the one granted',
      command: listThenRemove(`/api/v1/groups/${group}/roles`, 'role-assignment-id'),
    };
  },
  'okta:user.mfa.factor.activate': (e) => {
    const user = id(targetId(e, USER), 'user-id');
    return {
      priority: 2,
      why: "the attacker enrolled a factor on a user's account; list its factors, then remove the one enrolled",
      command: listThenRemove(`/api/v1/users/${user}/factors`, 'factor-id'),
    };
  },
};
