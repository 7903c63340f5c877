import type { Migration } from '@tokenwarden/store';

/**
 * Tables the gateway owns: the shared DPoP proof replay store (so a proof accepted by one gateway
 * process is refused by every other one on the same store).
 *
 * @example
 * ```ts
 * const database = await openDatabase({ store, dataDir, migrations: [...storeMigrations, ...gatewayMigrations] });
 * ```
 */
export const gatewayMigrations: Migration[] = [
  {
    name: 'gateway-0001-dpop-replay',
    async up(db) {
      await db.schema
        .createTable('gateway_dpop_replay')
        .ifNotExists()
        .addColumn('proof_key', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('gateway_dpop_replay_expires').ifNotExists().on('gateway_dpop_replay').column('expires_at').execute();
    },
  },
];
