import { type Credential, TokenWardenError } from '@tokenwarden/core';
import type { CredentialRepository } from './repository-types.js';
import { rowCodec, toStoredTime } from './row-codec.js';
import type { StoreContext } from './store-context.js';
import type { CredentialTable } from './tables.js';

const codec = rowCodec<Credential>('credential', {
  id: 'text',
  kind: 'text',
  status: 'text',
  principal_id: 'text',
  client_id: 'text',
  grant_id: 'text',
  scopes: 'json',
  audience: 'json',
  created_at: 'time',
  expires_at: 'time',
  revoked_at: 'time',
  revoked_reason: 'text',
  last_used_at: 'time',
  last_used_ip: 'text',
  cidr_allowlist: 'json',
  secret_hash: 'text',
  display_prefix: 'text',
  canary: 'bool',
  created_by_credential_id: 'text',
  source_system: 'text',
  external_id: 'text',
  metadata: 'json',
});

/**
 * The SQL adapter of {@link CredentialRepository}.
 *
 * @example
 * ```ts
 * const credentials = createCredentialRepository(storeContext(database));
 * ```
 */
export function createCredentialRepository(ctx: StoreContext): CredentialRepository {
  const list = async (during: string, column: 'principal_id' | 'created_by_credential_id', value: string): Promise<Credential[]> => {
    const rows = await ctx.run(during, (db) =>
      db.selectFrom('credentials').selectAll().where(column, '=', value).orderBy('created_at').orderBy('id').execute(),
    );
    return rows.map((r) => codec.fromRow(r));
  };
  return {
    async upsert(credential) {
      const row = codec.toRow(credential) as unknown as CredentialTable;
      const { id: _id, ...changes } = row;
      await ctx.run('upsert credential', (db) =>
        db
          .insertInto('credentials')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(changes))
          .execute(),
      );
    },
    async get(id) {
      const row = await ctx.run('get credential', (db) => db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst());
      return row ? codec.fromRow(row) : undefined;
    },
    async findBySecretHash(secretHash) {
      const row = await ctx.run('find credential by secret hash', (db) =>
        db.selectFrom('credentials').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst(),
      );
      return row ? codec.fromRow(row) : undefined;
    },
    listByPrincipal: (principalId) => list('list credentials of principal', 'principal_id', principalId),
    listCreatedBy: (credentialId) => list('list credentials by creator', 'created_by_credential_id', credentialId),
    async setStatus(id, status, reason) {
      return ctx.transaction('set credential status', async (trx) => {
        const current = await trx.selectFrom('credentials').select(['status', 'revoked_at']).where('id', '=', id).executeTakeFirst();
        if (!current) return false;
        if (current.status === 'revoked' && status !== 'revoked') {
          throw new TokenWardenError('TW_CONFLICT', `credential ${id} is revoked; it cannot become ${status}`, {
            hint: 'revocation is final: issue a new credential instead',
            data: { id, status },
          });
        }
        const changes: Partial<CredentialTable> = { status };
        if (status === 'revoked') {
          changes.revoked_at = current.revoked_at ?? new Date().toISOString();
          // The first revocation's reason stands, like its time.
          if (reason !== undefined && current.status !== 'revoked') changes.revoked_reason = reason;
        }
        await trx.updateTable('credentials').set(changes).where('id', '=', id).execute();
        return true;
      });
    },
    async touch(id, use) {
      const lastUsedAt = toStoredTime(use.last_used_at, 'credential.last_used_at');
      const result = await ctx.run('record credential use', (db) =>
        db
          .updateTable('credentials')
          .set({ last_used_at: lastUsedAt, last_used_ip: use.last_used_ip ?? null })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', lastUsedAt)]))
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
