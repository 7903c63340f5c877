import type { Kysely } from 'kysely';
import { revocationWatermark } from './revocation-log.js';
import type { TokenDb } from './schema.js';

/** Reads the revocation log's high-water mark, sharing one store read among concurrent callers. */
export interface WatermarkReader {
  read(): Promise<number>;
}

/**
 * Every caller gets a mark read *after* it called, so a revocation committed before a request
 * began is always seen by that request. Callers that arrive before the pending read starts share
 * it: the read is scheduled with `setImmediate`, after the I/O callbacks of the current loop turn,
 * so one store read serves every request that arrived in that turn instead of one each.
 *
 * @example
 * ```ts
 * const marks = createWatermarkReader(typed(database.db));
 * if ((await marks.read()) !== cachedMark) cache.clear();
 * ```
 */
export function createWatermarkReader(db: Kysely<TokenDb>): WatermarkReader {
  let pending: Promise<number> | undefined;
  return {
    read() {
      if (!pending) {
        pending = new Promise<number>((resolve, reject) => {
          setImmediate(() => {
            // From here on, new callers must wait for a read that starts after them.
            pending = undefined;
            revocationWatermark(db).then(resolve, reject);
          });
        });
      }
      return pending;
    },
  };
}
