import type { GatewayConfigInput } from '../../src/gateway-config.js';
import type { GatewayGuardOptions } from '../../src/gateway-guard.js';
import { type ReverseProxy, startReverseProxy } from '../../src/reverse-proxy.js';
import { startEchoUpstream } from './echo-upstream.js';
import { guardHarness } from './guard-harness.js';

/** A reverse proxy on a free port over a guard harness, in front of an echo upstream, with an `echo.read` key. */
export async function proxyHarness(
  config: GatewayConfigInput,
  extra: Partial<GatewayGuardOptions> = {},
): Promise<{
  upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  h: Awaited<ReturnType<typeof guardHarness>>;
  proxy: ReverseProxy;
  port: number;
  key: string;
  close(): Promise<void>;
}> {
  const upstream = await startEchoUpstream();
  const h = await guardHarness(config, extra);
  const proxy = await startReverseProxy({ guard: h.guard, upstream: upstream.url, port: 0 });
  return {
    upstream,
    h,
    proxy,
    port: Number(new URL(proxy.url).port),
    key: h.source.createKey({ scopes: ['echo.read'] }).raw,
    async close() {
      await proxy.close(100);
      await upstream.close();
    },
  };
}
