/**
 * Safe accessors over untrusted parsed JSON: every getter returns `undefined` for a missing
 * key or a value of the wrong type, so a parser never throws on a hostile record.
 */

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * Narrows to a non-array object.
 *
 * @example
 * ```ts
 * isObject({ a: 1 }); // true
 * ```
 */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object at `key`, or undefined.
 *
 * @example
 * ```ts
 * objAt({ a: { b: 1 } }, 'a'); // { b: 1 }
 * ```
 */
export function objAt(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
}

/**
 * A non-empty string (numbers are converted), or undefined: {@link strAt} for a value already read. Hot
 * parsers read `record.name` themselves so every load is a named, inline-cached one rather than a keyed load
 * through a shared helper.
 *
 * @example
 * ```ts
 * str(record.principal); // 'alice' or undefined
 * ```
 */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * A non-negative integer (numeric strings are converted), or undefined: {@link uintAt} for a value already read.
 *
 * @example
 * ```ts
 * uint(record.status); // 200
 * ```
 */
export function uint(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

/**
 * A finite number (numeric strings are converted), or undefined: {@link numAt} for a value already read.
 *
 * @example
 * ```ts
 * num('12'); // 12
 * ```
 */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

/**
 * A non-empty string at `key` (numbers are converted), or undefined.
 *
 * @example
 * ```ts
 * strAt({ a: 'x' }, 'a'); // 'x'
 * ```
 */
export function strAt(o: JsonObject | undefined, key: string): string | undefined {
  return str(o?.[key]);
}

/**
 * A finite number at `key` (numeric strings are converted), or undefined.
 *
 * @example
 * ```ts
 * numAt({ a: '12' }, 'a'); // 12
 * ```
 */
export function numAt(o: JsonObject | undefined, key: string): number | undefined {
  return num(o?.[key]);
}

/**
 * A non-negative integer at `key`, or undefined (byte counts, status codes).
 *
 * @example
 * ```ts
 * uintAt({ bytes: 10 }, 'bytes'); // 10
 * ```
 */
export function uintAt(o: JsonObject | undefined, key: string): number | undefined {
  return uint(o?.[key]);
}

/**
 * A boolean at `key` (`"true"`/`"false"` strings are converted), or undefined.
 *
 * @example
 * ```ts
 * boolAt({ a: 'true' }, 'a'); // true
 * ```
 */
export function boolAt(o: JsonObject | undefined, key: string): boolean | undefined {
  const v = o?.[key];
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/**
 * Copies only the defined values of `fields`, so optional properties are absent rather than
 * `undefined` (keeps JSON output and snapshots small).
 *
 * @example
 * ```ts
 * compact({ a: 1, b: undefined }); // { a: 1 }
 * ```
 */
export function compact<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as T;
}
