import type { Database } from '@tokenwarden/store';
import type { Kysely } from 'kysely';
import { appendRevocation } from './revocation-log.js';
import { type TokenDb, typed } from './schema.js';

/** Longest an access token can live; a grant revocation is kept at least this long for the gateway. */
export const MAX_ACCESS_TOKEN_TTL_S = 3600;

/** Who revoked a grant and why. */
export interface GrantRevocationReason {
  actor?: string;
  reason?: string;
}

/**
 * Revokes a whole grant (refresh-token family): deletes every artifact of it, and records a
 * `grant` revocation so JWT access tokens already issued under it die at the gateway too.
 * Runs inside the caller's transaction (the same write lock refresh consumption takes).
 * Returns the number of artifacts deleted.
 *
 * @example
 * ```ts
 * await database.transaction((trx) => revokeGrantIn(typed(trx), grantId, { actor: 'cli', reason: 'leaked' }));
 * ```
 */
export async function revokeGrantIn(trx: Kysely<TokenDb>, grantId: string, why: GrantRevocationReason = {}): Promise<number> {
  const deleted = await trx.deleteFrom('ts_artifacts').where('grant_id', '=', grantId).executeTakeFirst();
  // The Grant artifact itself is keyed by its id, and carries its own id as grant_id.
  await appendRevocation(trx, {
    kind: 'grant',
    value: grantId,
    expiresAt: new Date(Date.now() + MAX_ACCESS_TOKEN_TTL_S * 1000),
    ...why,
  });
  return Number(deleted.numDeletedRows);
}

/**
 * Revokes every grant and session of an account (sign out everywhere) in one transaction, and
 * records a `subject` revocation so the gateway rejects access tokens issued to it before now.
 * Returns the revoked grant ids.
 *
 * @example
 * ```ts
 * const grants = await revokeAccount(database, 'usr_01H...', { actor: 'admin', reason: 'laptop stolen' });
 * ```
 */
export async function revokeAccount(database: Database, accountId: string, why: GrantRevocationReason = {}): Promise<string[]> {
  return database.transaction(async (raw) => {
    const trx = typed(raw);
    const rows = await trx
      .selectFrom('ts_artifacts')
      .select('grant_id')
      .distinct()
      .where('account_id', '=', accountId)
      .where('grant_id', 'is not', null)
      .execute();
    const grantIds = rows.map((r) => r.grant_id as string);
    for (const grantId of grantIds) await revokeGrantIn(trx, grantId, why);
    await trx.deleteFrom('ts_artifacts').where('account_id', '=', accountId).execute();
    await appendRevocation(trx, {
      kind: 'subject',
      value: accountId,
      expiresAt: new Date(Date.now() + MAX_ACCESS_TOKEN_TTL_S * 1000),
      replace: true,
      ...why,
    });
    return grantIds;
  });
}
