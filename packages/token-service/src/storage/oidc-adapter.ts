// Must come before oidc-provider: it silences the Node 20 runtime notice printed at import.
import '../oauth/quiet-runtime-notice.js';
import type { Database } from '@tokenwarden/store';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { opaqueTokenId } from '../oauth/provider-events.js';
import { revokeGrantIn } from './grant-store.js';
import { isRevoked } from './revocation-log.js';
import type { WatermarkReader } from './revocation-watermark.js';
import { type ArtifactRow, type TokenDb, typed } from './schema.js';
import type { ServiceSecrets } from './sealing.js';

/** Models whose artifacts belong to a grant (a refresh-token family). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'Grant']);

/** Called when a consumed code or refresh token is presented again (the family is already revoked). */
export type ReuseHandler = (info: { model: string; grantId?: string; clientId?: string; accountId?: string }) => void;

/** Whether a reuse ended a live family (and so is to be reported), and whom it concerned. */
interface FamilyEnd {
  ended: boolean;
  info: { grantId?: string; clientId?: string; accountId?: string };
}

/**
 * Revokes the family of the artifact keyed `key`, inside the caller's write transaction. `ended`
 * is true only when this call deleted live rows of the family: a concurrent caller that lost the
 * race (on PostgreSQL its DELETE waits for the first and then matches nothing) or a family
 * already revoked by an administrator or RFC 7009 is no new finding.
 */
async function endFamilyIn(trx: Kysely<TokenDb>, key: string, model: string): Promise<FamilyEnd> {
  const row = await trx.selectFrom('ts_artifacts').selectAll().where('id_hash', '=', key).executeTakeFirst();
  if (!row) return { ended: false, info: {} };
  const info = {
    ...(row.grant_id ? { grantId: row.grant_id } : {}),
    ...(row.client_id ? { clientId: row.client_id } : {}),
    ...(row.account_id ? { accountId: row.account_id } : {}),
  };
  if (!row.grant_id) {
    const gone = await trx.deleteFrom('ts_artifacts').where('id_hash', '=', key).executeTakeFirst();
    return { ended: Number(gone.numDeletedRows) > 0, info };
  }
  const deleted = await revokeGrantIn(trx, row.grant_id, { actor: 'token-service', reason: `${model} reused` });
  return { ended: deleted > 0, info };
}

/** What the adapter needs: the store, the pepper-derived secrets, and a reuse hook. */
export interface AdapterDeps {
  database: Database;
  secrets: ServiceSecrets;
  onReuse: ReuseHandler;
  /**
   * When given, client records are cached (see {@link createOidcAdapter}) and stay valid only
   * while this mark is unchanged.
   */
  marks?: WatermarkReader;
}

const epoch = (): number => Math.floor(Date.now() / 1000);

/**
 * Builds the oidc-provider storage adapter class over our store.
 *
 * - Rows are keyed by `HMAC(pepper, model:id)`: the id of an opaque artifact *is* the bearer
 *   value (refresh token, code, session cookie), so it is never stored.
 * - Payloads are sealed (AES-256-GCM under a pepper-derived key) because several embed secrets
 *   (a session's cookie id inside an Interaction, a token's own `jti`).
 * - `consume` is one conditional UPDATE inside a write transaction, not find-then-save: of any
 *   number of concurrent consumers exactly one wins; the others see a replay, which revokes the
 *   whole grant (RFC 9700 §4.14.2) and is reported through `onReuse`.
 * - With `marks`, `Client` records are cached (unsealed), because every token request reads its
 *   client: clients are only created or revoked, never edited, and a revocation deletes the row
 *   and appends to the revocation log, so a cached record is dropped as soon as the log's
 *   high-water mark moves (read per lookup, so a revocation by any process counts at once).
 *
 * @example
 * ```ts
 * new Provider(issuer, { adapter: createOidcAdapter({ database, secrets, onReuse }) });
 * ```
 */
export function createOidcAdapter(deps: AdapterDeps): new (model: string) => Adapter {
  const { database, secrets } = deps;
  const db = typed(database.db);
  const clients = new LRUCache<string, string>({ max: 10_000 });
  let clientsMark = -1;

  class TokenWardenAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    private key(id: string): string {
      return secrets.hash(`${this.model}:${id}`);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') clients.delete(id);
      const grantId = GRANTABLE.has(this.model) ? (payload.grantId ?? (this.model === 'Grant' ? id : undefined)) : undefined;
      const row: ArtifactRow = {
        id_hash: this.key(id),
        model: this.model,
        grant_id: grantId ?? null,
        account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
        client_id: typeof payload.clientId === 'string' ? payload.clientId : this.model === 'Client' ? id : null,
        uid_hash: typeof payload.uid === 'string' ? secrets.hash(`uid:${payload.uid}`) : null,
        user_code_hash: typeof payload.userCode === 'string' ? secrets.hash(`user_code:${payload.userCode}`) : null,
        payload: secrets.seal(JSON.stringify(payload)),
        expires_at: typeof expiresIn === 'number' && expiresIn > 0 ? epoch() + expiresIn : null,
        consumed_at: typeof payload.consumed === 'number' ? payload.consumed : null,
        created_at: new Date().toISOString(),
        // What events name a refresh token by, so it can be revoked by that id (findRefreshFamily).
        token_id: this.model === 'RefreshToken' ? opaqueTokenId(secrets, this.model, id) : null,
      };
      await database.transaction(async (raw) => {
        const trx = typed(raw);
        // A successor saved after its family was revoked (a lost refresh race) must not come alive.
        if (grantId && this.model !== 'Grant' && (await isRevoked(trx, 'grant', grantId))) return;
        await trx
          .insertInto('ts_artifacts')
          .values(row)
          .onConflict((oc) =>
            oc.column('id_hash').doUpdateSet({
              payload: row.payload,
              expires_at: row.expires_at,
              grant_id: row.grant_id,
              account_id: row.account_id,
              client_id: row.client_id,
              uid_hash: row.uid_hash,
              user_code_hash: row.user_code_hash,
              token_id: row.token_id,
            }),
          )
          .execute();
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (typeof id !== 'string' || id.length === 0) return undefined;
      if (this.model === 'Client' && deps.marks) return this.findClient(id, deps.marks);
      const row = await db.selectFrom('ts_artifacts').selectAll().where('id_hash', '=', this.key(id)).executeTakeFirst();
      return this.toPayload(row);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const row = await db
        .selectFrom('ts_artifacts')
        .selectAll()
        .where('model', '=', this.model)
        .where('uid_hash', '=', secrets.hash(`uid:${uid}`))
        .executeTakeFirst();
      return this.toPayload(row);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const row = await db
        .selectFrom('ts_artifacts')
        .selectAll()
        .where('model', '=', this.model)
        .where('user_code_hash', '=', secrets.hash(`user_code:${userCode}`))
        .executeTakeFirst();
      return this.toPayload(row);
    }

    async destroy(id: string): Promise<void> {
      if (this.model === 'Client') clients.delete(id);
      await db.deleteFrom('ts_artifacts').where('id_hash', '=', this.key(id)).execute();
    }

    async consume(id: string): Promise<void> {
      const key = this.key(id);
      const outcome = await database.transaction(async (raw) => {
        const trx = typed(raw);
        const result = await trx
          .updateTable('ts_artifacts')
          .set({ consumed_at: epoch() })
          .where('id_hash', '=', key)
          .where('consumed_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) return undefined;
        // Someone consumed it between our caller's find() and now (a concurrent reuse), or its
        // family was revoked meanwhile (the row is gone: a revocation, not a reuse).
        return endFamilyIn(trx, key, this.model);
      });
      if (outcome) this.refuse(outcome);
    }

    /**
     * Ends the family of a consumed artifact presented again (RFC 9700 §4.14.2) and refuses the
     * request with `invalid_grant`. Only the call that finds the family still alive reports the
     * reuse (`onReuse`, and the error detail `already used` that the provider's event wiring turns
     * into `refresh_token.reuse_detected`): of 20 racing presentations, or a presentation racing a
     * revocation, one report at most.
     */
    async reused(id: string): Promise<never> {
      const key = this.key(id);
      const outcome = await database.transaction((raw) => endFamilyIn(typed(raw), key, this.model));
      return this.refuse(outcome);
    }

    private refuse(outcome: FamilyEnd): never {
      const what = this.model === 'RefreshToken' ? 'refresh token' : 'grant';
      if (!outcome.ended) throw new errors.InvalidGrant(`${what} revoked`);
      deps.onReuse({ model: this.model, ...outcome.info });
      throw new errors.InvalidGrant(`${what} already used`);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await database.transaction((raw) => revokeGrantIn(typed(raw), grantId, { actor: 'token-service' }));
    }

    private async findClient(id: string, marks: WatermarkReader): Promise<AdapterPayload | undefined> {
      // The mark is read before the row: a revocation committing in between moves it, and the
      // next lookup drops what this one cached.
      const mark = await marks.read();
      if (mark !== clientsMark) {
        clients.clear();
        clientsMark = mark;
      }
      const cached = clients.get(id);
      if (cached !== undefined) return JSON.parse(cached) as AdapterPayload;
      const row = await db.selectFrom('ts_artifacts').selectAll().where('id_hash', '=', this.key(id)).executeTakeFirst();
      if (!row || row.model !== this.model) return undefined;
      const text = secrets.unseal(row.payload);
      if (clientsMark === mark) clients.set(id, text);
      return JSON.parse(text) as AdapterPayload;
    }

    private toPayload(row: ArtifactRow | undefined): AdapterPayload | undefined {
      // Expiry is checked by the provider from the payload's exp (it deliberately looks up expired
      // refresh tokens so that a late reuse still revokes the family); the sweep deletes old rows.
      if (!row || row.model !== this.model) return undefined;
      const payload = JSON.parse(secrets.unseal(row.payload)) as AdapterPayload;
      if (row.consumed_at !== null) payload.consumed = row.consumed_at;
      return payload;
    }
  }

  return TokenWardenAdapter;
}
