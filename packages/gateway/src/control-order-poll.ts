import type { ControlOrder } from '@tokenwarden/core';

/** Where block orders are read from: the shared store's control-order log. */
export interface ControlOrderSource {
  since(seq: number, limit?: number): Promise<{ seq: number; order: ControlOrder }[]>;
}

/**
 * Applies block and unblock orders from the shared store's control-order log: all of them once at
 * start (so a gateway started after a block still enforces it), then every `intervalMs`. This is
 * how orders reach gateways in other processes on the embedded default, where there is no server
 * to broadcast through; in production the NATS/Redis broadcast delivers them at once and this
 * poll is the catch-up after a reconnect.
 *
 * @example
 * ```ts
 * const stop = await pollControlOrders(repos.controlOrders, (o) => guard.applyControlOrder(o));
 * ```
 */
export async function pollControlOrders(
  source: ControlOrderSource,
  apply: (order: ControlOrder) => void,
  options: { intervalMs?: number; onError?: (e: unknown) => void } = {},
): Promise<() => Promise<void>> {
  let last = 0;
  const drain = async (): Promise<void> => {
    for (;;) {
      const page = await source.since(last, 500);
      for (const { seq, order } of page) {
        apply(order);
        last = seq;
      }
      if (page.length < 500) return;
    }
  };
  await drain();
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(drain).catch((e: unknown) => options.onError?.(e));
  }, options.intervalMs ?? 100);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
