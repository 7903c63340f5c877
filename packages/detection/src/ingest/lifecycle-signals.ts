import { LIFECYCLE_EVENT_TYPES, type LifecycleEventType } from '@tokenwarden/core';

const LIFECYCLE_TYPES = new Set<string>(LIFECYCLE_EVENT_TYPES);

/**
 * Error codes from every source that mean "a dead or bad credential was presented", mapped to
 * the lifecycle signal detectors key on. Lower-cased, punctuation-free keys.
 */
const ERROR_SIGNALS: Record<string, LifecycleEventType> = {
  // AWS: a deleted or deactivated key, and a session token past its expiry.
  invalidclienttokenid: 'token.revoked_use',
  expiredtoken: 'token.expired',
  expiredtokenexception: 'token.expired',
  tokenrefreshrequired: 'token.expired',
  // OAuth 2 / OIDC and our gateway.
  tokenrevoked: 'token.revoked_use',
  revokedtoken: 'token.revoked_use',
  credentialrevoked: 'token.revoked_use',
  tokenexpired: 'token.expired',
  expiredtokenerror: 'token.expired',
  invaliddpopproof: 'dpop.failure',
  dpopfailure: 'dpop.failure',
  usedpopnonce: 'dpop.failure',
  canaryused: 'canary.used',
  canarytoken: 'canary.used',
  refreshtokenreuse: 'refresh_token.reuse_detected',
  refreshtokenreused: 'refresh_token.reuse_detected',
  checksummismatch: 'key.checksum_failure',
  invalidchecksum: 'key.checksum_failure',
  invalidclient: 'client_auth.failure',
  // Other spellings of the same signals seen in hand-written and third-party logs.
  refreshreuse: 'refresh_token.reuse_detected',
  refreshreusedetected: 'refresh_token.reuse_detected',
  refreshtokenreusedetected: 'refresh_token.reuse_detected',
  tokenreuse: 'refresh_token.reuse_detected',
  tokenreusedetected: 'refresh_token.reuse_detected',
  revokedtokenuse: 'token.revoked_use',
  revokedtokenused: 'token.revoked_use',
  useofrevokedtoken: 'token.revoked_use',
  canarytriggered: 'canary.used',
  canarytokenused: 'canary.used',
  dpopreplay: 'dpop.failure',
  dpopproofreplay: 'dpop.failure',
};
// Every lifecycle type in any case and punctuation (`TOKEN_REVOKED_USE`, `canary-used`).
for (const type of LIFECYCLE_EVENT_TYPES) ERROR_SIGNALS[type.replace(/[^a-z]/gi, '').toLowerCase()] ??= type;

/**
 * The lifecycle signal an error code carries, if any (`ExpiredToken` → `token.expired`,
 * `InvalidClientTokenId` → `token.revoked_use`, `token_revoked` → `token.revoked_use`).
 *
 * @example
 * ```ts
 * lifecycleFromErrorCode('ExpiredToken'); // 'token.expired'
 * lifecycleFromErrorCode('AccessDenied'); // undefined
 * ```
 */
export function lifecycleFromErrorCode(code: string | undefined): LifecycleEventType | undefined {
  if (!code) return undefined;
  const key = code.toLowerCase().replace(/[^a-z]/g, '');
  // Own keys only: an error code of `constructor` must not find Object.prototype's.
  return Object.hasOwn(ERROR_SIGNALS, key) ? ERROR_SIGNALS[key] : undefined;
}

/**
 * Accepts a lifecycle signal given explicitly in an input (`lifecycle: "canary.used"`):
 * a known lifecycle event type as is, or an error-code spelling mapped to one.
 *
 * @example
 * ```ts
 * normaliseLifecycle('token.revoked_use'); // 'token.revoked_use'
 * ```
 */
export function normaliseLifecycle(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  if (LIFECYCLE_TYPES.has(value)) return value;
  return lifecycleFromErrorCode(value);
}

/**
 * True for error codes that mean authentication failed (401-like), so probing detectors can
 * count them even when the source gives no HTTP status.
 *
 * @example
 * ```ts
 * isAuthFailureCode('InvalidClientTokenId'); // true
 * ```
 */
export function isAuthFailureCode(code: string): boolean {
  return /invalidclienttokenid|expiredtoken|signaturedoesnotmatch|authfailure|unrecognizedclient|incompletesignature|invalidtoken|unauthori[sz]ed|notauthorized|invalid_token|invalidaccesskeyid/i.test(
    code,
  );
}

/**
 * True for error codes that mean the caller is known but not allowed (403-like).
 *
 * @example
 * ```ts
 * isAccessDeniedCode('AccessDenied'); // true
 * ```
 */
export function isAccessDeniedCode(code: string): boolean {
  return /accessdenied|unauthorizedoperation|forbidden|insufficient|notpermitted|permissiondenied/i.test(code);
}

/**
 * The fields of a lifecycle event (the LifecycleEvent schema) that detectors read from an event's `attributes`: why
 * it happened, the credential that issued or rotated into this one, its OAuth grant and client.
 */
const LIFECYCLE_ATTRIBUTE_FIELDS = ['reason', 'parent_credential_id', 'grant_id', 'client_id'] as const;

/**
 * The attributes of an event made from a lifecycle event: `given` (a record's own `attributes`, which win), plus the
 * lifecycle fields of `record` that are non-empty strings. Returns `given` itself when there is nothing to add.
 *
 * @example
 * ```ts
 * lifecycleAttributes({ type: 'token.refreshed', parent_credential_id: 'rt_old' }, undefined); // { parent_credential_id: 'rt_old' }
 * ```
 */
export function lifecycleAttributes(
  record: Readonly<Record<string, unknown>>,
  given: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  let out = given;
  for (const field of LIFECYCLE_ATTRIBUTE_FIELDS) {
    const value = record[field];
    if (typeof value !== 'string' || value.length === 0 || (given !== undefined && field in given)) continue;
    if (out === given) out = { ...given };
    (out as Record<string, unknown>)[field] = value;
  }
  return out;
}
