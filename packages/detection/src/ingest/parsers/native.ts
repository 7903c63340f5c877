import { CredentialKind, LIFECYCLE_EVENT_TYPES } from '@tokenwarden/core';
import { isObject, type JsonObject, objAt, strAt, uintAt } from '../fields.js';
import { lifecycleFromErrorCode, normaliseLifecycle } from '../lifecycle-signals.js';
import { normaliseIp, parseEventTime } from '../time-and-ip.js';
import type { NormalisedEvent, ParseOutcome, RecordContext } from '../types.js';

const CREDENTIAL_KINDS = new Set<string>(CredentialKind.anyOf.map((s) => String(s.const)));
const LIFECYCLE_TYPES = new Set<string>(LIFECYCLE_EVENT_TYPES);
const OPTIONAL_STRINGS = [
  'principal',
  'user_agent',
  'tls_fingerprint',
  'device_id',
  'operation',
  'method',
  'path',
  'resource',
  'request_id',
] as const;

/**
 * True when a JSON object looks like our native AccessEvent or LifecycleEvent schema.
 *
 * @example
 * ```ts
 * looksNative({ id: 'e1', time: '2026-01-01T00:00:00Z', credential_id: 'k1', outcome: 'success' }); // true
 * ```
 */
export function looksNative(o: JsonObject): boolean {
  return 'credential_id' in o && ('time' in o || 'ts' in o);
}

/**
 * Parses one native JSON-lines record: the core `AccessEvent` schema (or a `LifecycleEvent`,
 * which becomes an event carrying its lifecycle signal). Fields of the wrong type are dropped;
 * a missing or unreadable time, credential or IP rejects the record.
 *
 * @example
 * ```ts
 * parseNativeRecord({ id: 'e1', time: '2026-01-01T00:00:00Z', credential_id: 'k1', outcome: 'success', source_system: 'gateway' }, { source: 'a.jsonl', line: 1 });
 * ```
 */
export function parseNativeRecord(record: unknown, ctx: RecordContext): ParseOutcome {
  if (!isObject(record)) return { kind: 'error', reason: 'record is not a JSON object' };
  const credential = strAt(record, 'credential_id');
  if (!credential) return { kind: 'error', reason: 'native record without credential_id' };
  const ts = parseEventTime(record.time ?? record.ts);
  if (ts === undefined) return { kind: 'error', reason: 'native record without a readable time' };

  let sourceIp: string | undefined;
  const rawIp = strAt(record, 'source_ip');
  if (rawIp !== undefined) {
    sourceIp = normaliseIp(rawIp);
    if (!sourceIp) return { kind: 'error', reason: 'source_ip is not an IP address' };
  }
  const lifecycleType = strAt(record, 'type');
  const isLifecycleRecord = lifecycleType !== undefined && LIFECYCLE_TYPES.has(lifecycleType);
  const errorCode = strAt(record, 'error_code');
  const attributes = objAt(record, 'attributes');
  const lifecycle =
    normaliseLifecycle(record.lifecycle) ??
    normaliseLifecycle(attributes?.lifecycle) ??
    (isLifecycleRecord ? lifecycleType : undefined) ??
    lifecycleFromErrorCode(errorCode);
  const outcome = record.outcome === 'success' || record.outcome === 'failure' ? record.outcome : 'unknown';
  const kind = strAt(record, 'credential_kind');
  const status = uintAt(record, 'status');

  // Built field by field (not through `compact`): this is the hot path of native ingestion.
  const event: NormalisedEvent = {
    id: strAt(record, 'id') ?? `${ctx.source}:${ctx.line}`,
    time: new Date(ts).toISOString(),
    ts,
    credential_id: credential,
    credential_key: credential,
    outcome,
    source_system: strAt(record, 'source_system') ?? 'native',
    origin: { file: ctx.source, line: ctx.line },
  };
  if (kind && CREDENTIAL_KINDS.has(kind)) event.credential_kind = kind as NormalisedEvent['credential_kind'];
  const optional = event as unknown as Record<string, unknown>;
  for (const key of OPTIONAL_STRINGS) {
    const v = strAt(record, key);
    if (v !== undefined) optional[key] = v;
  }
  if (sourceIp) event.source_ip = sourceIp;
  if (event.operation === undefined && isLifecycleRecord) event.operation = `lifecycle:${lifecycleType}`;
  if (status !== undefined && status <= 999) event.status = status;
  const bytesIn = uintAt(record, 'bytes_in');
  if (bytesIn !== undefined) event.bytes_in = bytesIn;
  const bytesOut = uintAt(record, 'bytes_out');
  if (bytesOut !== undefined) event.bytes_out = bytesOut;
  if (typeof record.interactive === 'boolean') event.interactive = record.interactive;
  if (errorCode) event.error_code = errorCode;
  if (attributes) event.attributes = attributes;
  if (lifecycle) event.lifecycle = lifecycle;
  return { kind: 'event', event };
}
