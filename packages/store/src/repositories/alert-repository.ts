import type { Alert } from '@tokenwarden/core';
import { type AlertRepository, DEFAULT_LIMIT } from './repository-types.js';
import { rowCodec, toStoredTime } from './row-codec.js';
import { limitOf, type StoreContext } from './store-context.js';
import type { AlertTable } from './tables.js';

const codec = rowCodec<Alert>('alert', {
  id: 'text',
  time: 'time',
  credential: 'text',
  principal: 'text',
  rule: 'text',
  severity: 'text',
  score: 'real',
  stage: 'text',
  summary: 'text',
  evidence: 'json',
  event_ids: 'json',
  detected_at: 'time',
  incident_id: 'text',
});

/**
 * The SQL adapter of {@link AlertRepository}.
 *
 * @example
 * ```ts
 * const alerts = createAlertRepository(storeContext(database));
 * ```
 */
export function createAlertRepository(ctx: StoreContext): AlertRepository {
  return {
    async insert(alert) {
      const row = codec.toRow(alert) as unknown as AlertTable;
      const result = await ctx.run('insert alert', (db) =>
        db
          .insertInto('alerts')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst(),
      );
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async get(id) {
      const row = await ctx.run('get alert', (db) => db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst());
      return row ? codec.fromRow(row) : undefined;
    },
    async list(filter = {}) {
      const limit = limitOf(filter.limit, DEFAULT_LIMIT);
      const rows = await ctx.run('list alerts', (db) => {
        let query = db.selectFrom('alerts').selectAll();
        if (filter.credential !== undefined) query = query.where('credential', '=', filter.credential);
        if (filter.incident_id !== undefined) query = query.where('incident_id', '=', filter.incident_id);
        if (filter.since !== undefined) query = query.where('time', '>=', toStoredTime(filter.since, 'filter.since'));
        return query.orderBy('time').orderBy('id').limit(limit).execute();
      });
      return rows.map((r) => codec.fromRow(r));
    },
    async setIncident(alertId, incidentId) {
      const result = await ctx.run('link alert to incident', (db) =>
        db.updateTable('alerts').set({ incident_id: incidentId }).where('id', '=', alertId).executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
