import type { LifecycleEvent } from '@tokenwarden/core';
import { DEFAULT_LIMIT, type LifecycleEventRepository } from './repository-types.js';
import { rowCodec, toStoredTime } from './row-codec.js';
import { chunks, limitOf, type StoreContext } from './store-context.js';
import type { LifecycleEventTable } from './tables.js';

const codec = rowCodec<LifecycleEvent>('lifecycle_event', {
  id: 'text',
  time: 'time',
  type: 'text',
  credential_id: 'text',
  credential_kind: 'text',
  principal: 'text',
  client_id: 'text',
  grant_id: 'text',
  parent_credential_id: 'text',
  source_ip: 'text',
  user_agent: 'text',
  request_id: 'text',
  reason: 'text',
  source_system: 'text',
  details: 'json',
});

const ROWS_PER_INSERT = 500;

/**
 * The SQL adapter of {@link LifecycleEventRepository}.
 *
 * @example
 * ```ts
 * const lifecycleEvents = createLifecycleEventRepository(storeContext(database));
 * ```
 */
export function createLifecycleEventRepository(ctx: StoreContext): LifecycleEventRepository {
  return {
    async insertMany(events) {
      if (events.length === 0) return 0;
      const rows = events.map((e) => codec.toRow(e) as unknown as LifecycleEventTable);
      return ctx.transaction('insert lifecycle events', async (trx) => {
        let inserted = 0;
        for (const batch of chunks(rows, ROWS_PER_INSERT)) {
          const result = await trx
            .insertInto('lifecycle_events')
            .values(batch)
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst();
          inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
        }
        return inserted;
      });
    },
    async query(filter = {}) {
      const limit = limitOf(filter.limit, DEFAULT_LIMIT);
      const rows = await ctx.run('query lifecycle events', (db) => {
        let query = db.selectFrom('lifecycle_events').selectAll();
        if (filter.credential_id !== undefined) query = query.where('credential_id', '=', filter.credential_id);
        if (filter.type !== undefined) query = query.where('type', '=', filter.type);
        if (filter.since !== undefined) query = query.where('time', '>=', toStoredTime(filter.since, 'filter.since'));
        return query.orderBy('time').orderBy('id').limit(limit).execute();
      });
      return rows.map((r) => codec.fromRow(r));
    },
  };
}
