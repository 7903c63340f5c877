import type { RecordOrigin } from '@tokenwarden/core';
import type { RecordContext } from './types.js';

/**
 * Where a record is, as text: `FILE:LINE`, and `FILE:LINE:RECORD` for an element of a JSON array (AWS writes a whole
 * CloudTrail file on one line, so records without an `eventID` would otherwise share one name).
 *
 * @example
 * ```ts
 * recordLocation({ source: 'trail.json', line: 1, record: 3 }); // 'trail.json:1:3'
 * ```
 */
export function recordLocation(ctx: RecordContext): string {
  return ctx.record === undefined ? `${ctx.source}:${ctx.line}` : `${ctx.source}:${ctx.line}:${ctx.record}`;
}

/**
 * A record's origin for its event: the file, the line and, for an element of a JSON array, its position.
 *
 * @example
 * ```ts
 * recordOrigin({ source: 'trail.json', line: 1, record: 3 }); // { file: 'trail.json', line: 1, record: 3 }
 * ```
 */
export function recordOrigin(ctx: RecordContext): RecordOrigin {
  return ctx.record === undefined ? { file: ctx.source, line: ctx.line } : { file: ctx.source, line: ctx.line, record: ctx.record };
}
