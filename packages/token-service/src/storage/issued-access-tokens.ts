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
  await recordIssuedAccessTokens(db, [token]);
}

async function recordIssuedAccessTokens(db: Kysely<TokenDb>, tokens: readonly IssuedAccessToken[]): Promise<void> {
  const createdAt = new Date().toISOString();
  const rows: IssuedAccessTokenRow[] = tokens.map((token) => ({
    jti: token.jti,
    client_id: token.clientId ?? null,
    account_id: token.accountId ?? null,
    grant_id: token.grantId ?? null,
    expires_at: token.expiresAt,
    created_at: createdAt,
  }));
  await db
    .insertInto('ts_access_tokens')
    .values(rows)
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

/** Records held before one insert writes them all. */
const MAX_PENDING = 500;

/**
 * The issued-jti record, written in batches: one insert (one store transaction) per `delayMs` or per 500 tokens
 * instead of one per token, which halved client_credentials issuance on SQLite. A token can leave before its jti is
 * stored; this process finds it at once (pending records are looked up first), another process (`tokenwarden
 * revoke` in a second shell) within `delayMs`. A failed write is reported, and those ids stay unknown to revocation
 * by id (their tokens can still be revoked by value).
 *
 * @example
 * ```ts
 * const issued = new IssuedAccessTokenLog(db);
 * issued.record({ jti, clientId, expiresAt: exp });
 * await issued.find(jti); // the record, pending or stored
 * await issued.flush(); // before closing the store
 * ```
 */
export class IssuedAccessTokenLog {
  private pending = new Map<string, IssuedAccessToken>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<TokenDb>,
    private readonly delayMs = 50,
    private readonly onError: (e: unknown) => void = (e) =>
      process.stderr.write(`token-service: recording issued access tokens failed: ${e instanceof Error ? e.message : String(e)}\n`),
  ) {}

  /** Queues one issued token's record (no await: the token is not held up). */
  record(token: IssuedAccessToken): void {
    this.pending.set(token.jti, token);
    if (this.pending.size >= MAX_PENDING) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.delayMs);
      this.timer.unref();
    }
  }

  /** Writes what is pending; resolves once every write started so far has ended. Never rejects. */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending = new Map();
      this.writing = this.writing.then(() => recordIssuedAccessTokens(this.db, batch).catch(this.onError));
    }
    return this.writing;
  }

  /** The issuance record of `jti`, pending or stored, or undefined when this service never issued it. */
  async find(jti: string): Promise<IssuedAccessToken | undefined> {
    const pending = this.pending.get(jti);
    if (pending !== undefined) return pending;
    await this.writing;
    return findIssuedAccessToken(this.db, jti);
  }
}
