import { createHash } from 'node:crypto';
import type { AuditEntry } from '@tokenwarden/core';

/** `prev_hash` of the first audit entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: object keys sorted (recursively), no whitespace, `undefined` members dropped.
 * Two equal values always give the same text, which is what makes a hash over it reproducible.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }); // '{"a":[true,{"c":"x","d":null}],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // JSON.stringify(undefined) and functions give undefined; inside arrays JSON uses null.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined && typeof record[k] !== 'function')
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${members.join(',')}}`;
}

/**
 * The chain hash of an audit entry: SHA-256 (hex) over the canonical JSON of every field except
 * `hash` itself, `prev_hash` and `seq` included, so editing, deleting, inserting or moving any
 * row breaks the chain.
 *
 * @example
 * ```ts
 * const hash = auditEntryHash({ seq: 1, id: 'aud_1', time, actor: 'cli', action: 'x', details: {}, prev_hash: GENESIS_HASH });
 * ```
 */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...fields } = entry;
  return createHash('sha256').update(canonicalJson(fields), 'utf8').digest('hex');
}
