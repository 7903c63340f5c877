/**
 * Error codes of the secret-scanning intake. Every rejection of a report carries one of them in
 * its JSON body (`{"error": code, "message", "hint"}`) so a sender can tell what to fix.
 *
 * @example
 * ```ts
 * throw new TokenWardenError('TW_INTAKE_UNAUTHORIZED', 'unknown key identifier', { hint: 'add the key to the trusted keys' });
 * ```
 */
declare module '@tokenwarden/core' {
  interface ErrorCodeRegistry {
    /** The signature headers are missing, malformed, from an unknown key, or do not verify. */
    TW_INTAKE_UNAUTHORIZED: true;
    /** The body is not a JSON array of `{token, type, url, source}` objects. */
    TW_INTAKE_MALFORMED: true;
    /** The body is larger than the configured cap. */
    TW_INTAKE_TOO_LARGE: true;
  }
}

export {};
