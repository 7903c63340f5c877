import type { AccessEvent, Outcome } from '@tokenwarden/core';
import { eventSourceOf } from '../model/operations.js';
import type { SimEvent } from '../model/sim-event.js';

/**
 * The SaaS-style host the native and OCSF paths belong to.
 *
 * @example
 * ```ts
 * `https://${API_HOST}${httpPath(ev)}`;
 * ```
 */
export const API_HOST = 'api.northwind.example';

/**
 * The HTTP path of an event: the operation's template with its resource filled in.
 *
 * @example
 * ```ts
 * httpPath(ev); // '/v1/s3/buckets/northwind-data-lake/events/2026/11/03/part-00017.parquet'
 * ```
 */
export function httpPath(ev: SimEvent): string {
  const r = ev.resource ?? '';
  if (!ev.op.path.includes('{r}')) return ev.op.path;
  return ev.op.path.replace('{r}', r.split('/').map(encodeURIComponent).join('/'));
}

/**
 * Renders an event in the native schema (`AccessEvent` of `@tokenwarden/core`).
 *
 * @example
 * ```ts
 * const line = JSON.stringify(toNative(ev));
 * ```
 */
export function toNative(ev: SimEvent): AccessEvent {
  const outcome: Outcome = ev.status < 400 ? 'success' : 'failure';
  const out: AccessEvent = {
    id: ev.id,
    time: new Date(ev.time).toISOString(),
    credential_id: ev.credential.id,
    credential_kind: ev.credential.kind,
    principal: ev.credential.userName,
    source_ip: ev.ip,
    user_agent: ev.userAgent,
    operation: ev.op.name,
    method: ev.op.method,
    path: httpPath(ev),
    outcome,
    status: ev.status,
    bytes_out: ev.bytesOut,
    request_id: ev.id,
    interactive: ev.interactive,
    source_system: 'native',
    attributes: { region: ev.region, service: eventSourceOf(ev.op), read_only: ev.op.readOnly },
  };
  if (ev.resource !== undefined) out.resource = ev.resource;
  if (ev.errorCode !== undefined) out.error_code = ev.errorCode;
  return out;
}
