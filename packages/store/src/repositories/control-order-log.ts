import type { ControlOrder } from '@tokenwarden/core';
import type { ControlOrderLog } from './repository-types.js';
import type { StoreContext } from './store-context.js';

/**
 * The control-order log over the `control_orders` table.
 *
 * @example
 * ```ts
 * const log = createControlOrderLog(storeContext(database));
 * ```
 */
export function createControlOrderLog(ctx: StoreContext): ControlOrderLog {
  return {
    append(order) {
      return ctx.transaction('append control order', async (trx) => {
        const existing = await trx.selectFrom('control_orders').select('seq').where('id', '=', order.id).executeTakeFirst();
        if (existing) return Number(existing.seq);
        const last = await trx.selectFrom('control_orders').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
        const seq = Number(last?.seq ?? 0) + 1;
        await trx
          .insertInto('control_orders')
          .values({ seq, id: order.id, time: order.time, order_json: JSON.stringify(order) })
          .execute();
        return seq;
      });
    },
    async since(seq, limit = 1000) {
      const rows = await ctx.run('read control orders', (db) =>
        db.selectFrom('control_orders').select(['seq', 'order_json']).where('seq', '>', seq).orderBy('seq', 'asc').limit(limit).execute(),
      );
      return rows.map((r) => ({ seq: Number(r.seq), order: JSON.parse(r.order_json) as ControlOrder }));
    },
  };
}
