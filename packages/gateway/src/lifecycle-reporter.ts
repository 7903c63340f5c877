import type { LifecycleEvent } from '@tokenwarden/core';
import type { ClientInfo } from './client-info.js';
import type { GatewayGuardOptions } from './gateway-guard-options.js';
import { type GuardRequest, headerValue } from './guard-decision.js';
import { lifecycleEvent } from './guard-events.js';
import type { VerifiedCredential } from './verified-credential.js';

/**
 * Hands the guard's lifecycle events (a credential exposed, a revoked or canary credential used, a
 * DPoP failure) to `publishLifecycle`, if any. Reporting is a side channel: whatever the publisher
 * throws or rejects with is swallowed, so it can never change a decision or fail a request.
 *
 * @example
 * ```ts
 * const lifecycle = new LifecycleReporter(options.publishLifecycle);
 * lifecycle.report('canary.used', client, credential, requestId, 'canary credential used', req);
 * ```
 */
export class LifecycleReporter {
  constructor(private readonly publish: GatewayGuardOptions['publishLifecycle']) {}

  /** Publishes one lifecycle event about `req`; never throws. */
  report(
    type: LifecycleEvent['type'],
    client: ClientInfo,
    credential: VerifiedCredential | undefined,
    requestId: string,
    reason: string,
    req: GuardRequest,
  ): void {
    const publish = this.publish;
    if (!publish) return;
    try {
      const r = publish(lifecycleEvent(type, { client, credential, requestId, reason, userAgent: headerValue(req.headers['user-agent']) }));
      if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(() => {});
    } catch {
      // Reporting must never break enforcement.
    }
  }
}
