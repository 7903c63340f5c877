/**
 * Error codes the gateway adds to the shared registry.
 */
declare module '@tokenwarden/core' {
  interface ErrorCodeRegistry {
    /** The upstream of the reverse proxy cannot be reached or answered with a broken response. */
    TW_GATEWAY_UPSTREAM: true;
    /** The revocation source has been unreachable for longer than the staleness bound (fail-closed). */
    TW_GATEWAY_REVOCATION_STALE: true;
  }
}

export {};
