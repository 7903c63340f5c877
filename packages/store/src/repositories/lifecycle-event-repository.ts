import type { LifecycleEvent } from '@tokenwarden/core';
import { DEFAULT_LIMIT, type LifecycleEventRepository } from './repository-types.js';
import { rowCodec, toStoredTime } from './row-codec.js';
import { insertNewById, limitOf, type StoreContext } from './store-context.js';
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
      return insertNewById(
        ctx,
        'lifecycle_events',
        events.map((e) => codec.toRow(e) as unknown as LifecycleEventTable),
        'insert lifecycle events',
      );
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
