import { type AccessEvent, type ControlOrder, type LifecycleEvent, type LifecycleEventType, newId } from '@tokenwarden/core';

/** A minimal valid access event; `n` is carried in `request_id` so tests can check order. */
export function accessEvent(n: number, id: string = newId('evt')): AccessEvent {
  return {
    id,
    time: new Date().toISOString(),
    outcome: 'success',
    source_system: 'gateway',
    request_id: String(n),
    method: 'GET',
    path: `/r/${n}`,
  };
}

/** A block order. */
export function blockOrder(ip: string): ControlOrder {
  return {
    id: newId('ord'),
    time: new Date().toISOString(),
    action: 'block',
    target: { kind: 'ip', value: ip },
    reason: 'test',
    actor: 'test',
  };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sleeps, for checks that something does NOT happen within a window. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A lifecycle event of credential `cred_1`. */
export function lifecycleEvent(id: string, type: LifecycleEventType): LifecycleEvent {
  return { id, time: new Date().toISOString(), type, credential_id: 'cred_1', source_system: 'token-service' };
}
