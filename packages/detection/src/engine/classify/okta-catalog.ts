/**
 * What Okta System Log event types mean to an attacker: those that weaken sign-on policy, network zones, MFA or the
 * log stream, and those that create identities, tokens or privilege that outlive a stolen session.
 */

/** Okta event types that weaken sign-on policy, network zones, MFA or the log stream. */
export const OKTA_DEFENSE_EVASION_PREFIXES: readonly string[] = [
  'policy.lifecycle.',
  'policy.rule.',
  'zone.',
  // Switched off, deleted, or pointed elsewhere; a new stream (a SIEM migration) sends the log to more places, not fewer.
  'system.log_stream.lifecycle.deactivate',
  'system.log_stream.lifecycle.delete',
  'system.log_stream.lifecycle.update',
  'event_hook.deactivated',
  'user.mfa.factor.deactivate',
  'user.mfa.factor.reset_all',
  'application.policy.sign_on.',
];

/** Okta event types that stop the System Log reaching anyone else (a log stream or event hook switched off). */
export const OKTA_BLINDING_PREFIXES: readonly string[] = [
  'system.log_stream.lifecycle.deactivate',
  'system.log_stream.lifecycle.delete',
  'event_hook.deactivated',
];

/** Okta event types that create identities, tokens, apps or memberships that outlive the session. */
export const OKTA_PERSISTENCE_TYPES: ReadonlySet<string> = new Set([
  'user.lifecycle.create',
  'application.user_membership.add',
  'system.api_token.create',
  'application.lifecycle.create',
  'app.oauth2.client.lifecycle.create',
  'user.mfa.factor.activate',
  // A second identity provider signs anyone in as anyone (the cross-tenant impersonation of 2023): making one,
  // switching it on or pointing it elsewhere all hand out that trust.
  'system.idp.lifecycle.create',
  'system.idp.lifecycle.activate',
  'system.idp.lifecycle.update',
  // Another user's password reset by an administrator: whoever asked for it can now sign in as them (the helpdesk
  // social engineering of Scattered Spider, or a stolen admin session taking an account over).
  'user.account.reset_password',
]);

/** Okta event types that grant privilege. */
export const OKTA_GRANT_TYPES: ReadonlySet<string> = new Set([
  'user.account.privilege.grant',
  'group.user_membership.add',
  'group.privilege.grant',
  'application.user_membership.change_permissions',
  // Okta Support (or whoever holds the session) allowed to sign in as an administrator, and such a sign-in begun.
  'user.session.impersonation.grant',
  'user.session.impersonation.initiate',
  'user.session.impersonation.extend',
]);
