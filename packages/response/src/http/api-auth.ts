/** Scope that lets a caller read incidents and reports. */
export const READ_SCOPE = 'tokenwarden.read';
/** Scope that lets a caller take response actions (it implies read). */
export const RESPOND_SCOPE = 'tokenwarden.respond';

/** A verified caller of the response API: who becomes the audited actor. */
export interface ApiCaller {
  /** The subject the credential belongs to (a user login or service account). */
  subject: string;
  /** The credential presented (key id or token `jti`), for the audit trail. */
  credentialId: string;
  scopes: readonly string[];
}

/**
 * Verifies a presented bearer credential (a `tw_` API key or an access token) against the token
 * service; undefined when it is unknown, revoked, expired or otherwise inactive.
 */
export type ApiAuthenticator = (token: string) => Promise<ApiCaller | undefined>;

/**
 * The `WWW-Authenticate` challenge of RFC 6750 §3 for a refused request.
 *
 * @example
 * ```ts
 * bearerChallenge('insufficient_scope', 'tokenwarden.respond');
 * // 'Bearer realm="tokenwarden", error="insufficient_scope", scope="tokenwarden.respond"'
 * ```
 */
export function bearerChallenge(error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined, scope: string): string {
  return `Bearer realm="tokenwarden"${error ? `, error="${error}"` : ''}, scope="${scope}"`;
}

/**
 * The credential in an `Authorization: Bearer ...` header; undefined when absent, `null` when the
 * header is there but is not a well-formed bearer credential.
 *
 * @example
 * ```ts
 * bearerFrom('Bearer tw_k_abc'); // "tw_k_abc"
 * ```
 */
export function bearerFrom(header: string | undefined): string | undefined | null {
  if (header === undefined || header === '') return undefined;
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
  return m ? (m[1] as string) : null;
}

/**
 * Whether `caller` may use an endpoint that needs `scope` (respond implies read).
 *
 * @example
 * ```ts
 * hasScope({ subject: 'oncall', credentialId: 'key_1', scopes: ['tokenwarden.respond'] }, READ_SCOPE); // true
 * ```
 */
export function hasScope(caller: ApiCaller, scope: string): boolean {
  return caller.scopes.includes(scope) || (scope === READ_SCOPE && caller.scopes.includes(RESPOND_SCOPE));
}
