/**
 * Error codes raised by the token service.
 *
 * @example
 * ```ts
 * throw new TokenWardenError('TW_TOKEN_INVALID', 'access token signature does not verify', { hint: 'get a new token' });
 * ```
 */
declare module '@tokenwarden/core' {
  interface ErrorCodeRegistry {
    TW_TOKEN_INVALID: true;
    TW_TOKEN_REVOKED: true;
    TW_DPOP_INVALID: true;
    TW_LOGIN_TAKEN: true;
    /** A rotated service-account token could not be handed to its owner (so it was not rotated). */
    TW_DELIVERY_FAILED: true;
  }
}

export {};
