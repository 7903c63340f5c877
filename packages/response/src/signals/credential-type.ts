/**
 * The `credential_type` a CAEP `credential-change` or RISC `credential-compromise` event carries
 * for one of our credential ids. Ids carry their kind as a prefix (`key_`, `sat_`, `cl_`, …);
 * anything else (an access token's `jti`, a refresh family) is reported as a plain `token`.
 *
 * @example
 * ```ts
 * credentialTypeOf('key_01JC0Q8Z5V'); // "api-key"
 * ```
 */
export function credentialTypeOf(credentialId: string): string {
  const prefix = credentialId.slice(0, credentialId.indexOf('_') + 1);
  return CREDENTIAL_TYPES[prefix] ?? 'token';
}

const CREDENTIAL_TYPES: Readonly<Record<string, string>> = {
  key_: 'api-key',
  sat_: 'service-account-token',
  sa_: 'service-account-token',
  can_: 'canary',
  cl_: 'client-secret',
};
