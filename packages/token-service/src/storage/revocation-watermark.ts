import type { Kysely } from 'kysely';
import { revocationWatermark } from './revocation-log.js';
import type { TokenDb } from './schema.js';

/** Reads the revocation log's high-water mark, sharing one store read among concurrent callers. */
export interface WatermarkReader {
  read(): Promise<number>;
}

/**
 * Every caller gets a mark that is current as of *after* it called, so a revocation committed
 * before a request began is always seen by that request. Callers share one check: it runs with
 * `setImmediate`, after the I/O callbacks of the current loop turn, so one check serves every
 * request that arrived in that turn instead of one each.
 *
 * The check: with `changeStamp` (SQLite: `Database.changeStamp`, which moves on any write by any
 * process), the last mark read is still current while the stamp taken just before that read is
 * unchanged (nothing was written since, so the log cannot have moved) and no query is needed;
 * otherwise (PostgreSQL, or something was written) the mark is read from the store.
 *
 * @example
 * ```ts
 * const marks = createWatermarkReader(typed(database.db), database.changeStamp?.bind(database));
 * if ((await marks.read()) !== cachedMark) cache.clear();
 * ```
 */
export function createWatermarkReader(db: Kysely<TokenDb>, changeStamp?: () => string): WatermarkReader {
  let pending: Promise<number> | undefined;
  // The last mark read, and the stamp taken just before that read.
  let known: { stamp: string; mark: number } | undefined;
  return {
    read() {
      if (!pending) {
        pending = new Promise<number>((resolve, reject) => {
          setImmediate(() => {
            // From here on, new callers must wait for a check that starts after them.
            pending = undefined;
            // Taken before any read: a write landing during the read moves the stamp, so the
            // next check reads again rather than trusting a mark that may predate the write.
            let stamp: string | undefined;
            try {
              stamp = changeStamp?.();
            } catch (e) {
              // A closed store, say: fail the callers, never the process.
              reject(e);
              return;
            }
            if (stamp !== undefined && known?.stamp === stamp) {
              resolve(known.mark);
              return;
            }
            revocationWatermark(db).then((mark) => {
              if (stamp !== undefined) known = { stamp, mark };
              resolve(mark);
            }, reject);
          });
        });
      }
      return pending;
    },
  };
}
