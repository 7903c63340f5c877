import type { IncomingHttpHeaders } from 'node:http';
import type { LifecycleEvent } from '@tokenwarden/core';
import { type GatewayConfigInput, parseGatewayConfig } from '../../src/gateway-config.js';
import { GatewayGuard, type GatewayGuardOptions, type GuardDecision } from '../../src/gateway-guard.js';
import { FakeCredentialSource } from './fake-credential-source.js';

/** A started guard over a fake issuer, with captured lifecycle events. */
export async function guardHarness(
  config: GatewayConfigInput = {},
  extra: Partial<GatewayGuardOptions> = {},
): Promise<{
  source: FakeCredentialSource;
  guard: GatewayGuard;
  lifecycle: LifecycleEvent[];
  check: (
    target: string,
    headers?: IncomingHttpHeaders,
    more?: { method?: string; peer?: string; encrypted?: boolean },
  ) => Promise<GuardDecision>;
}> {
  const source = await FakeCredentialSource.create();
  const lifecycle: LifecycleEvent[] = [];
  const guard = new GatewayGuard({
    source,
    config: parseGatewayConfig({ rate_limit: false, ...config }),
    publishLifecycle: (e) => {
      lifecycle.push(e);
    },
    ...extra,
  });
  await guard.start();
  return {
    source,
    guard,
    lifecycle,
    check: (target, headers = {}, more = {}) =>
      guard.check({
        method: more.method ?? 'GET',
        target,
        headers: { host: 'api.test', ...headers },
        peer: more.peer ?? '127.0.0.1',
        encrypted: more.encrypted ?? false,
      }),
  };
}

/** The refusal status (or 200 when admitted). */
export function statusOf(d: GuardDecision): number {
  return d.allow ? 200 : d.refusal.status;
}
