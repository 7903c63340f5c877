import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditInput, LifecycleEvent, LifecycleEventType } from '@tokenwarden/core';
import { newId } from '@tokenwarden/core';

/** What the token service knows about the HTTP request an event happened in. */
export interface RequestContext {
  ip?: string;
  userAgent?: string;
  requestId?: string;
  method?: string;
  path?: string;
}

/** Carries the request context through oidc-provider's event callbacks, which do not pass it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** Fields of a lifecycle event that the emitter does not fill in itself. */
export type LifecycleFields = Omit<LifecycleEvent, 'id' | 'time' | 'type' | 'source_system'>;

/** Publishes lifecycle events and audit entries; failures of a sink never fail the request. */
export interface EventSink {
  emit(type: LifecycleEventType, fields?: LifecycleFields): void;
  audit(entry: AuditInput): void;
  /** Waits for every delivery still in flight (call before closing the store or the bus). */
  flush(): Promise<void>;
}

/** Sinks the token service can be given; both optional so it runs before the bus and audit land. */
export interface EventSinkOptions {
  publish?: (e: LifecycleEvent) => void | Promise<void>;
  audit?: (entry: AuditInput) => void | Promise<void>;
  /** Called when a sink throws; defaults to a one-line warning on stderr. */
  onSinkError?: (error: unknown) => void;
}

/**
 * Builds the event sink: stamps id, time and source, and the IP and user agent of the current
 * request (from {@link requestContext}) unless the caller set them.
 *
 * @example
 * ```ts
 * const events = createEventSink({ publish: (e) => bus.publish('lifecycle', e) });
 * events.emit('token.revoked', { credential_id: 'key_01H...', reason: 'leaked' });
 * ```
 */
export function createEventSink(options: EventSinkOptions): EventSink {
  const onError =
    options.onSinkError ??
    ((e: unknown) => process.stderr.write(`token-service: event sink failed: ${e instanceof Error ? e.message : String(e)}\n`));
  const pending = new Set<Promise<void>>();
  const deliver = (fn: () => void | Promise<void>): void => {
    try {
      const out = fn();
      if (out && typeof (out as Promise<void>).then === 'function') {
        const tracked = (out as Promise<void>).catch(onError).finally(() => pending.delete(tracked));
        pending.add(tracked);
      }
    } catch (e) {
      onError(e);
    }
  };
  return {
    emit(type, fields = {}) {
      const publish = options.publish;
      if (!publish) return;
      const ctx = requestContext.getStore();
      const event: LifecycleEvent = {
        id: newId('evt'),
        time: new Date().toISOString(),
        type,
        source_system: 'token-service',
        ...(ctx?.ip === undefined ? {} : { source_ip: ctx.ip }),
        ...(ctx?.userAgent === undefined ? {} : { user_agent: ctx.userAgent }),
        ...(ctx?.requestId === undefined ? {} : { request_id: ctx.requestId }),
        ...stripUndefined(fields),
      };
      deliver(() => publish(event));
    },
    audit(entry) {
      const audit = options.audit;
      if (!audit) return;
      const ctx = requestContext.getStore();
      deliver(() => audit(ctx?.ip && !entry.source_ip ? { ...entry, source_ip: ctx.ip } : entry));
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
