import type { Kysely } from 'kysely';
import type { IssuedAccessTokenRow, TokenDb } from './schema.js';

/** What is recorded about one JWT access token when it is issued (never the token itself). */
export interface IssuedAccessToken {
  jti: string;
  clientId?: string;
  accountId?: string;
  grantId?: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/**
 * Records that a JWT access token with this `jti` was issued, so it can later be revoked by its id
 * (the id alerts and incidents name it by) and a made-up id is still refused as unknown. JWTs are
 * never stored by oidc-provider (their value is self-contained), so this is the only record. Rows
 * of tokens expired for a day are swept now and then.
 *
 * @example
 * ```ts
 * await recordIssuedAccessToken(db, { jti, clientId, expiresAt: exp });
 * ```
 */
export async function recordIssuedAccessToken(db: Kysely<TokenDb>, token: IssuedAccessToken): Promise<void> {
  const row: IssuedAccessTokenRow = {
    jti: token.jti,
    client_id: token.clientId ?? null,
    account_id: token.accountId ?? null,
    grant_id: token.grantId ?? null,
    expires_at: token.expiresAt,
    created_at: new Date().toISOString(),
  };
  await db
    .insertInto('ts_access_tokens')
    .values(row)
    .onConflict((oc) => oc.column('jti').doNothing())
    .execute();
  if (Math.random() < 0.01) {
    await db
      .deleteFrom('ts_access_tokens')
      .where('expires_at', '<', Math.floor(Date.now() / 1000) - 86_400)
      .execute();
  }
}

/**
 * The issuance record of a JWT access token by its `jti`, or undefined when this service never
 * issued one with that id (or its record was swept a day after it expired).
 *
 * @example
 * ```ts
 * const issued = await findIssuedAccessToken(db, 'Xq3...');
 * ```
 */
export async function findIssuedAccessToken(db: Kysely<TokenDb>, jti: string): Promise<IssuedAccessToken | undefined> {
  const row = await db.selectFrom('ts_access_tokens').selectAll().where('jti', '=', jti).executeTakeFirst();
  if (!row) return undefined;
  return {
    jti: row.jti,
    ...(row.client_id === null ? {} : { clientId: row.client_id }),
    ...(row.account_id === null ? {} : { accountId: row.account_id }),
    ...(row.grant_id === null ? {} : { grantId: row.grant_id }),
    expiresAt: Number(row.expires_at),
  };
}
