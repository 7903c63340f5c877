/** A refusal sent to the client: status, headers and a JSON body that never says why a secret failed. */
export interface Refusal {
  status: number;
  headers: Record<string, string | string[]>;
  body: { error: string; error_description: string };
  /** Internal reason for events and logs (never sent). */
  reason: string;
}

const REALM = 'tokenwarden';

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

/**
 * Builds the `WWW-Authenticate` challenges for a 401/403: an RFC 6750 `Bearer` challenge and an
 * RFC 9449 `DPoP` challenge listing the accepted proof algorithms (and `use_dpop_nonce` when the
 * client must retry with the nonce sent in `DPoP-Nonce`).
 *
 * @example
 * ```ts
 * challenges({ scheme: 'bearer', error: 'invalid_token', dpopAlgs: ['EdDSA', 'ES256'] });
 * // ['Bearer realm="tokenwarden", error="invalid_token", error_description="..."', 'DPoP algs="EdDSA ES256"']
 * ```
 */
export function challenges(options: {
  scheme: 'bearer' | 'dpop' | 'none';
  error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request' | 'invalid_dpop_proof' | 'use_dpop_nonce';
  description?: string;
  scope?: readonly string[];
  dpopAlgs: readonly string[];
}): string[] {
  const bearer = [`Bearer realm=${quote(REALM)}`];
  const dpop = [`DPoP algs=${quote(options.dpopAlgs.join(' '))}`];
  const target = options.scheme === 'dpop' ? dpop : bearer;
  if (options.error) {
    target.push(`error=${quote(options.error)}`);
    if (options.description) target.push(`error_description=${quote(options.description)}`);
    if (options.scope && options.scope.length > 0) target.push(`scope=${quote(options.scope.join(' '))}`);
  }
  return [bearer.join(', '), dpop.join(', ')];
}

const DESCRIPTIONS: Record<string, string> = {
  invalid_token: 'the access token is invalid, expired or revoked',
  insufficient_scope: 'the access token lacks a scope this resource requires',
  invalid_request: 'the request is malformed',
  invalid_dpop_proof: 'the DPoP proof is invalid',
  use_dpop_nonce: 'resource server requires a DPoP nonce',
};

// Descriptions of refusals that carry no challenge (never the internal reason).
const PLAIN_DESCRIPTIONS: Record<string, string> = {
  bad_gateway: 'the upstream could not be reached',
  insecure_transport: 'credentials must be sent over HTTPS; this one arrived in clear text and is reported as exposed',
  gateway_timeout: 'the upstream did not answer in time',
  method_not_allowed: 'this method is not allowed',
  rate_limited: 'too many requests: retry after the number of seconds in Retry-After',
};

/**
 * Builds a refusal: 401 / 403, and a 400 about the credential (RFC 6750 §3.1 `invalid_request`),
 * carry challenges when `auth` is given, other statuses a plain JSON error. The description is
 * generic on purpose: an attacker learns nothing about why a secret failed.
 *
 * @example
 * ```ts
 * refuse(401, 'invalid_token', 'revoked', { scheme: 'bearer', dpopAlgs: ['EdDSA'] });
 * ```
 */
export function refuse(
  status: number,
  error: string,
  reason: string,
  auth?: { scheme: 'bearer' | 'dpop' | 'none'; dpopAlgs: readonly string[]; scope?: readonly string[]; challengeError?: boolean },
): Refusal {
  const description = DESCRIPTIONS[error] ?? PLAIN_DESCRIPTIONS[error] ?? 'the request was refused';
  const headers: Record<string, string | string[]> = {};
  if (auth && (status === 401 || status === 403 || status === 400)) {
    const challengeError = auth.challengeError !== false && error in DESCRIPTIONS;
    headers['www-authenticate'] = challenges({
      scheme: auth.scheme,
      ...(challengeError ? { error: error as 'invalid_token', description } : {}),
      ...(auth.scope ? { scope: auth.scope } : {}),
      dpopAlgs: auth.dpopAlgs,
    });
  }
  return { status, headers, body: { error, error_description: description }, reason };
}
