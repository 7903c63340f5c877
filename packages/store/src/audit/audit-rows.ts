import type { AuditEntry } from '@tokenwarden/core';
import type { AuditLogTable } from '../repositories/tables.js';

/**
 * Turns a stored audit row back into an entry; optional fields that are NULL stay absent.
 * Throws a SyntaxError when `details` is not JSON (verify reports that as a modified row).
 *
 * @example
 * ```ts
 * const entry = auditEntryFromRow(row);
 * ```
 */
export function auditEntryFromRow(row: AuditLogTable): AuditEntry {
  const entry: AuditEntry = {
    seq: Number(row.seq),
    id: row.id,
    time: row.time,
    actor: row.actor,
    action: row.action,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
  if (row.target !== null) entry.target = row.target;
  if (row.reason !== null) entry.reason = row.reason;
  if (row.source_ip !== null) entry.source_ip = row.source_ip;
  return entry;
}

/**
 * The stored row of an audit entry.
 *
 * @example
 * ```ts
 * await trx.insertInto('audit_log').values(auditRowFromEntry(entry)).execute();
 * ```
 */
export function auditRowFromEntry(entry: AuditEntry): AuditLogTable {
  return {
    seq: entry.seq,
    id: entry.id,
    time: entry.time,
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    reason: entry.reason ?? null,
    source_ip: entry.source_ip ?? null,
    details: JSON.stringify(entry.details),
    prev_hash: entry.prev_hash,
    hash: entry.hash,
  };
}
