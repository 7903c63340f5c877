import type { Principal } from '@tokenwarden/core';
import type { PrincipalRepository } from './repository-types.js';
import { rowCodec } from './row-codec.js';
import type { StoreContext } from './store-context.js';
import type { PrincipalTable } from './tables.js';

const codec = rowCodec<Principal>('principal', {
  id: 'text',
  kind: 'text',
  name: 'text',
  status: 'text',
  created_at: 'time',
  owner_id: 'text',
  created_by_credential_id: 'text',
  source_system: 'text',
  metadata: 'json',
});

/**
 * The SQL adapter of {@link PrincipalRepository}.
 *
 * @example
 * ```ts
 * const principals = createPrincipalRepository(storeContext(database));
 * ```
 */
export function createPrincipalRepository(ctx: StoreContext): PrincipalRepository {
  return {
    async upsert(principal) {
      const row = codec.toRow(principal) as unknown as PrincipalTable;
      const { id: _id, ...changes } = row;
      await ctx.run('upsert principal', (db) =>
        db
          .insertInto('principals')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(changes))
          .execute(),
      );
    },
    async get(id) {
      const row = await ctx.run('get principal', (db) => db.selectFrom('principals').selectAll().where('id', '=', id).executeTakeFirst());
      return row ? codec.fromRow(row) : undefined;
    },
    async findByName(kind, name) {
      const row = await ctx.run('find principal by name', (db) =>
        db
          .selectFrom('principals')
          .selectAll()
          .where('kind', '=', kind)
          .where('name', '=', name)
          .orderBy('created_at')
          .orderBy('id')
          .limit(1)
          .executeTakeFirst(),
      );
      return row ? codec.fromRow(row) : undefined;
    },
    async listCreatedBy(credentialId) {
      const rows = await ctx.run('list principals by creator', (db) =>
        db
          .selectFrom('principals')
          .selectAll()
          .where('created_by_credential_id', '=', credentialId)
          .orderBy('created_at')
          .orderBy('id')
          .execute(),
      );
      return rows.map((r) => codec.fromRow(r));
    },
    async setStatus(id, status) {
      const result = await ctx.run('set principal status', (db) =>
        db.updateTable('principals').set({ status }).where('id', '=', id).executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
