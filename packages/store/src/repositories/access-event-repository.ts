import { type AccessEvent, NotFoundError } from '@tokenwarden/core';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { type AccessEventFilter, type AccessEventRepository, DEFAULT_LIMIT } from './repository-types.js';
import { rowCodec, toStoredTime } from './row-codec.js';
import { insertNewById, limitOf, type StoreContext } from './store-context.js';
import type { AccessEventTable, StoreTables } from './tables.js';

const codec = rowCodec<AccessEvent>('access_event', {
  id: 'text',
  time: 'time',
  credential_id: 'text',
  credential_kind: 'text',
  principal: 'text',
  source_ip: 'text',
  user_agent: 'text',
  tls_fingerprint: 'text',
  device_id: 'text',
  operation: 'text',
  method: 'text',
  path: 'text',
  resource: 'text',
  outcome: 'text',
  status: 'int',
  bytes_in: 'int',
  bytes_out: 'int',
  request_id: 'text',
  interactive: 'bool',
  error_code: 'text',
  source_system: 'text',
  origin: 'json',
  attributes: 'json',
});

// 23 columns x 500 rows stays well under SQLite's 32766 and PostgreSQL's 65535 bound parameters.

type EventQuery = SelectQueryBuilder<StoreTables, 'access_events', object>;

/**
 * The SQL adapter of {@link AccessEventRepository}.
 *
 * @example
 * ```ts
 * const accessEvents = createAccessEventRepository(storeContext(database));
 * await accessEvents.insertMany(batch); // 0 for a batch already stored
 * ```
 */
export function createAccessEventRepository(ctx: StoreContext): AccessEventRepository {
  async function filtered(db: Kysely<StoreTables>, filter: AccessEventFilter): Promise<EventQuery> {
    let query: EventQuery = db.selectFrom('access_events');
    if (filter.credential_id !== undefined) query = query.where('credential_id', '=', filter.credential_id);
    if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
    if (filter.since !== undefined) query = query.where('time', '>=', toStoredTime(filter.since, 'filter.since'));
    if (filter.until !== undefined) query = query.where('time', '<', toStoredTime(filter.until, 'filter.until'));
    if (filter.after_id !== undefined) {
      const afterId = filter.after_id;
      const cursor = await db.selectFrom('access_events').select('time').where('id', '=', afterId).executeTakeFirst();
      if (!cursor) throw new NotFoundError('access event', afterId, { hint: 'after_id must be the id of an event from a previous page' });
      query = query.where((eb) => eb.or([eb('time', '>', cursor.time), eb.and([eb('time', '=', cursor.time), eb('id', '>', afterId)])]));
    }
    return query;
  }
  return {
    async insertMany(events) {
      return insertNewById(
        ctx,
        'access_events',
        events.map((e) => codec.toRow(e) as unknown as AccessEventTable),
        'insert access events',
      );
    },
    async query(filter = {}) {
      const limit = limitOf(filter.limit, DEFAULT_LIMIT);
      const rows = await ctx.run('query access events', async (db) =>
        (await filtered(db, filter)).selectAll().orderBy('time').orderBy('id').limit(limit).execute(),
      );
      return rows.map((r) => codec.fromRow(r));
    },
    async count(filter = {}) {
      const row = await ctx.run('count access events', async (db) =>
        (await filtered(db, filter)).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
      );
      return Number(row.n);
    },
  };
}
