import type { BusStats } from './types.js';

/**
 * Fresh zeroed counters.
 *
 * @example
 * ```ts
 * const stats = emptyStats(); stats.published++;
 * ```
 */
export function emptyStats(): BusStats {
  return { published: 0, duplicatesDropped: 0, delivered: 0, acked: 0, redelivered: 0, dedupSkipped: 0, deadLettered: 0, malformed: 0 };
}
