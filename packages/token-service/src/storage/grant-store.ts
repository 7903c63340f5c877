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
 * The grant (refresh-token family) of the refresh token that events name `tokenId` (`rt_...`, see
 * `opaqueTokenId`), found by the index on its row: any token of the family, rotated ones included,
 * names the family until that token's own expiry. Undefined for an unknown or expired id, and
 * once the family is revoked (its rows are gone).
 *
 * @example
 * ```ts
 * const grantId = await findRefreshFamily(db, 'rt_3kQ9xW2mYb7TnV4cL8pA1s');
 * if (grantId) await revokeGrantIn(db, grantId, { actor: 'cli' });
 * ```
 */
export async function findRefreshFamily(db: Kysely<TokenDb>, tokenId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('ts_artifacts')
    .select(['grant_id', 'expires_at'])
    .where('token_id', '=', tokenId)
    .where('model', '=', 'RefreshToken')
    .executeTakeFirst();
  // Expired rows stay a day for late-reuse detection (see sweepExpired); they name nothing live.
  if (!row?.grant_id || (row.expires_at !== null && Number(row.expires_at) <= Math.floor(Date.now() / 1000))) return undefined;
  return row.grant_id;
}

/**
 * Revokes every grant and session of an account (sign out everywhere) in one transaction, and
 * records a `subject` revocation so the gateway rejects access tokens issued to it before now.
 * Resolves once the clock has entered the second after the revocation (at most 1 s later), so
 * tokens issued from then on are not covered by it. Returns the revoked grant ids.
 *
 * @example
 * ```ts
 * const grants = await revokeAccount(database, 'usr_01H...', { actor: 'admin', reason: 'laptop stolen' });
 * ```
 */
export async function revokeAccount(database: Database, accountId: string, why: GrantRevocationReason = {}): Promise<string[]> {
  let at = new Date();
  const grantIds = await database.transaction(async (raw) => {
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
    at = new Date();
    await appendRevocation(trx, {
      kind: 'subject',
      value: accountId,
      expiresAt: new Date(at.getTime() + MAX_ACCESS_TOKEN_TTL_S * 1000),
      replace: true,
      at,
      ...why,
    });
    return grantIds;
  });
  // A subject entry kills the tokens whose `iat` (whole seconds) is at or before it, so a token
  // issued later in the same second would die too: a user signing in again at once would get
  // dead tokens. Returning only once that second is over makes every token issued after the
  // sign-out has completed carry a later `iat` (here and at the gateway, which compares the same way).
  const secondOver = Math.floor(at.getTime() / 1000) * 1000 + 1000;
  const wait = secondOver - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return grantIds;
}
