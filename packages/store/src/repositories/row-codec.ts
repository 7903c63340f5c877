import { MalformedInputError } from '@tokenwarden/core';

/**
 * How one field of a domain object is stored: text, an ISO-8601 UTC time (text), an integer, a
 * real number, a 0/1 boolean, or JSON as text. These are the portable types that behave the same
 * on SQLite and PostgreSQL.
 */
export type FieldKind = 'text' | 'time' | 'int' | 'real' | 'bool' | 'json';

/** A stored row: column name to a portable SQL value. */
export type StoredRow = Record<string, string | number | null>;

/**
 * Converts between a domain object and its row. Absent optional fields become NULL on the way in
 * and absent (never `null`) on the way out, so a round trip gives back an equal object.
 *
 * @example
 * ```ts
 * const codec = rowCodec<{ id: string; at?: string }>('thing', { id: 'text', at: 'time' });
 * codec.fromRow(codec.toRow({ id: 'a' })); // { id: 'a' }
 * ```
 */
export interface RowCodec<T> {
  readonly columns: readonly string[];
  toRow(value: T): StoredRow;
  fromRow(row: Record<string, unknown>): T;
}

/**
 * Builds a {@link RowCodec} from a field map. `entity` names the object in error messages.
 *
 * @example
 * ```ts
 * const principalCodec = rowCodec<Principal>('principal', { id: 'text', created_at: 'time', metadata: 'json' });
 * ```
 */
export function rowCodec<T extends object>(entity: string, fields: { [K in keyof Required<T>]: FieldKind }): RowCodec<T> {
  const entries = Object.entries(fields) as [string, FieldKind][];
  return {
    columns: entries.map(([name]) => name),
    toRow(value) {
      const source = value as Record<string, unknown>;
      const row: StoredRow = {};
      for (const [name, kind] of entries) row[name] = encodeField(entity, source, name, kind);
      return row;
    },
    fromRow(row) {
      const out: Record<string, unknown> = {};
      for (const [name, kind] of entries) {
        const raw = row[name];
        if (raw === null || raw === undefined) continue;
        out[name] = decodeField(raw, kind);
      }
      return out as T;
    },
  };
}

function encodeField(entity: string, source: Record<string, unknown>, name: string, kind: FieldKind): string | number | null {
  const value = source[name];
  if (value === undefined || value === null) return null;
  switch (kind) {
    case 'text':
      return String(value);
    case 'time':
      return toStoredTime(value, `${entity}.${name}`);
    case 'int':
    case 'real':
      if (typeof value !== 'number' || !Number.isFinite(value) || (kind === 'int' && !Number.isInteger(value))) {
        throw new MalformedInputError({ source: `${entity}.${name}` }, `expected ${kind === 'int' ? 'an integer' : 'a finite number'}`);
      }
      return value;
    case 'bool':
      return value ? 1 : 0;
    case 'json':
      return JSON.stringify(value);
  }
}

function decodeField(raw: unknown, kind: FieldKind): unknown {
  switch (kind) {
    case 'text':
    case 'time':
      return String(raw);
    case 'int':
    case 'real':
      return Number(raw);
    case 'bool':
      return Number(raw) !== 0;
    case 'json':
      return JSON.parse(String(raw));
  }
}

/**
 * Normalises a timestamp to the one stored form, `Date#toISOString()` (UTC, milliseconds, `Z`),
 * so that times compare correctly as text on both SQLite and PostgreSQL. Rejects values that are
 * not a valid date, naming the field.
 *
 * @example
 * ```ts
 * toStoredTime('2026-01-02T03:04:05+02:00', 'event.time'); // "2026-01-02T01:04:05.000Z"
 * ```
 */
export function toStoredTime(value: unknown, field: string): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new MalformedInputError({ source: field }, `not an ISO-8601 timestamp: ${JSON.stringify(String(value)).slice(0, 60)}`);
  }
  return new Date(ms).toISOString();
}
