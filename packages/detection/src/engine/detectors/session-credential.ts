import type { DetectionContext } from './types.js';

/** Credential kinds bound to the one browser or client that signed in: a second device or network means a copy. */
const SESSION_KINDS: ReadonlySet<string> = new Set(['saas_session', 'refresh_token', 'access_token']);

/**
 * True when the event's credential is a session (an Okta session, a refresh or access token) rather than a key
 * meant to be used from anywhere.
 *
 * @example
 * ```ts
 * if (isSessionCredential(ctx) && ctx.kind === 'tor') score = 70;
 * ```
 */
export function isSessionCredential(ctx: DetectionContext): boolean {
  const kind = ctx.ev.credential_kind;
  return kind !== undefined && SESSION_KINDS.has(kind);
}
