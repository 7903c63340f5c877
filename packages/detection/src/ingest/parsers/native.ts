import { CredentialKind, LIFECYCLE_EVENT_TYPES } from '@tokenwarden/core';
import { isObject, type JsonObject, str, uint } from '../fields.js';
import { lifecycleAttributes, lifecycleFromErrorCode, normaliseLifecycle } from '../lifecycle-signals.js';
import { recordLocation, recordOrigin } from '../record-location.js';
import { eventTimeText, normaliseIp, parseEventTime } from '../time-and-ip.js';
import type { NormalisedEvent, ParseOutcome, RecordContext } from '../types.js';

const CREDENTIAL_KINDS = new Set<string>(CredentialKind.anyOf.map((s) => String(s.const)));
const LIFECYCLE_TYPES = new Set<string>(LIFECYCLE_EVENT_TYPES);

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
  // Named loads (`record.x`), not a keyed helper: each is inline-cached for the shape every line of a file shares.
  const credential = str(record.credential_id);
  if (!credential) return { kind: 'error', reason: 'native record without credential_id' };
  const rawTime = record.time ?? record.ts;
  const ts = parseEventTime(rawTime);
  if (ts === undefined) return { kind: 'error', reason: 'native record without a readable time' };

  let sourceIp: string | undefined;
  const rawIp = str(record.source_ip);
  if (rawIp !== undefined) {
    sourceIp = normaliseIp(rawIp);
    if (!sourceIp) return { kind: 'error', reason: 'source_ip is not an IP address' };
  }
  const lifecycleType = str(record.type);
  const isLifecycleRecord = lifecycleType !== undefined && LIFECYCLE_TYPES.has(lifecycleType);
  const errorCode = str(record.error_code);
  const given = isObject(record.attributes) ? record.attributes : undefined;
  // A LifecycleEvent line keeps its lineage and reason at the top level: detectors read them as attributes.
  const attributes = isLifecycleRecord ? lifecycleAttributes(record, given) : given;
  const lifecycle =
    normaliseLifecycle(record.lifecycle) ??
    normaliseLifecycle(attributes?.lifecycle) ??
    (isLifecycleRecord ? lifecycleType : undefined) ??
    lifecycleFromErrorCode(errorCode);
  const outcome = record.outcome === 'success' || record.outcome === 'failure' ? record.outcome : 'unknown';
  const kind = str(record.credential_kind);
  const status = uint(record.status);

  // One object literal with every key in a fixed order: all native events share one hidden
  // class, which keeps this hot path and every detector reading the event monomorphic.
  // Absent values stay `undefined` (JSON output omits them).
  const operation = str(record.operation);
  const event: NormalisedEvent = {
    id: str(record.id) ?? recordLocation(ctx),
    time: eventTimeText(rawTime, ts),
    ts,
    credential_id: credential,
    credential_key: credential,
    credential_kind: kind && CREDENTIAL_KINDS.has(kind) ? (kind as NormalisedEvent['credential_kind']) : undefined,
    principal: str(record.principal),
    source_ip: sourceIp,
    user_agent: str(record.user_agent),
    tls_fingerprint: str(record.tls_fingerprint),
    device_id: str(record.device_id),
    operation: operation ?? (isLifecycleRecord ? `lifecycle:${lifecycleType}` : undefined),
    method: str(record.method),
    path: str(record.path),
    resource: str(record.resource),
    outcome,
    status: status !== undefined && status <= 999 ? status : undefined,
    bytes_in: uint(record.bytes_in),
    bytes_out: uint(record.bytes_out),
    request_id: str(record.request_id),
    interactive: typeof record.interactive === 'boolean' ? record.interactive : undefined,
    error_code: errorCode,
    source_system: str(record.source_system) ?? 'native',
    origin: recordOrigin(ctx),
    attributes,
    lifecycle,
    // Filled in by the enricher: declared here so enriching stores into existing slots instead of growing
    // every event by two properties (a new hidden class and a property array per event).
    geo: undefined,
    client: undefined,
    // Set by the reorder buffer on release (see KeySlot).
    key_slot: undefined,
  };
  return { kind: 'event', event };
}
