import type { Kysely } from 'kysely';
import { type TokenDb, typed } from './schema.js';

/** Kinds of entity whose creator is recorded. */
export type LineageKind = 'user' | 'client' | 'api_key' | 'service_account' | 'service_account_token' | 'canary' | 'grant' | 'access_token';

/** One entity created (directly or transitively) by a credential. */
export interface LineageEntry {
  entity_id: string;
  entity_kind: LineageKind;
  created_by_credential_id: string | null;
  created_at: string;
  depth: number;
  /**
   * The entity's state now, read from its own table: `active`, `revoked`, `suspended` or `expired` (keys,
   * service-account tokens, canaries, grants), `active` or `suspended` (users, service accounts). Absent when
   * the token service does not keep one (clients, access tokens not revoked).
   */
  status?: string;
  /** A user's login or a service account's name. */
  name?: string;
}

/**
 * Records who created an entity, inside the creating transaction.
 *
 * @example
 * ```ts
 * await recordLineage(trx, { entityId: key.id, entityKind: 'api_key', createdBy: 'key_01H...' });
 * ```
 */
export async function recordLineage(
  trx: Kysely<TokenDb>,
  entry: { entityId: string; entityKind: LineageKind; createdBy?: string | undefined },
): Promise<void> {
  await trx
    .insertInto('ts_lineage')
    .values({
      entity_id: entry.entityId,
      entity_kind: entry.entityKind,
      created_by_credential_id: entry.createdBy ?? null,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('entity_id').doNothing())
    .execute();
}

/**
 * Everything created by a credential, transitively (keys created by keys it created, and so on),
 * breadth first, each entity once. Bounded to `maxDepth` levels as a guard against cycles.
 *
 * @example
 * ```ts
 * const spawned = await lineageOf(db, 'key_01H...'); // [{ entity_id: 'key_01J...', depth: 1 }, ...]
 * ```
 */
export async function lineageOf(db: Kysely<unknown>, credentialId: string, maxDepth = 32): Promise<LineageEntry[]> {
  const t = typed(db);
  const seen = new Set<string>([credentialId]);
  const out: LineageEntry[] = [];
  let frontier = [credentialId];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const rows = await t
      .selectFrom('ts_lineage')
      .selectAll()
      .where('created_by_credential_id', 'in', frontier)
      .orderBy('created_at')
      .execute();
    frontier = [];
    for (const row of rows) {
      if (seen.has(row.entity_id)) continue;
      seen.add(row.entity_id);
      frontier.push(row.entity_id);
      out.push({ ...row, entity_kind: row.entity_kind as LineageKind, depth });
    }
  }
  await addCurrentState(t, out);
  return out;
}

/**
 * The credential that created an entity, if one did (lineage upwards: an attacker-minted key to the stolen key).
 *
 * @example
 * ```ts
 * await creatorOf(db, 'key_01J...'); // 'key_01H...' or undefined
 * ```
 */
export async function creatorOf(db: Kysely<unknown>, entityId: string): Promise<string | undefined> {
  const row = await typed(db)
    .selectFrom('ts_lineage')
    .select('created_by_credential_id')
    .where('entity_id', '=', entityId)
    .executeTakeFirst();
  return row?.created_by_credential_id ?? undefined;
}

function setState(entry: LineageEntry | undefined, status: string, name: string): void {
  if (entry === undefined) return;
  entry.status = status;
  entry.name = name;
}

/** Fills `status` and `name` of lineage entries from the tables of what they name, one query per table. */
async function addCurrentState(t: Kysely<TokenDb>, entries: LineageEntry[]): Promise<void> {
  const idsOf = (...kinds: LineageKind[]) => entries.filter((e) => kinds.includes(e.entity_kind)).map((e) => e.entity_id);
  const byId = new Map(entries.map((e) => [e.entity_id, e]));
  const now = new Date().toISOString();
  const keyIds = idsOf('api_key', 'service_account_token', 'canary');
  if (keyIds.length > 0) {
    const rows = await t.selectFrom('ts_keys').select(['id', 'status', 'expires_at']).where('id', 'in', keyIds).execute();
    for (const r of rows) {
      const e = byId.get(r.id);
      // A key past its expiry is still `active` in its row: the verifier checks the time.
      if (e) e.status = r.status === 'active' && r.expires_at !== null && r.expires_at <= now ? 'expired' : r.status;
    }
  }
  const userIds = idsOf('user');
  if (userIds.length > 0) {
    const rows = await t.selectFrom('ts_users').select(['id', 'login', 'status']).where('id', 'in', userIds).execute();
    for (const r of rows) setState(byId.get(r.id), r.status, r.login);
  }
  const accountIds = idsOf('service_account');
  if (accountIds.length > 0) {
    const rows = await t.selectFrom('ts_service_accounts').select(['id', 'name', 'status']).where('id', 'in', accountIds).execute();
    for (const r of rows) setState(byId.get(r.id), r.status, r.name);
  }
  const grantIds = idsOf('grant', 'access_token');
  if (grantIds.length > 0) {
    const revoked = await t.selectFrom('ts_revocations').select('value').where('value', 'in', grantIds).execute();
    for (const r of revoked) {
      const e = byId.get(r.value);
      if (e) e.status = 'revoked';
    }
    const live = await t
      .selectFrom('ts_artifacts')
      .select('grant_id')
      .where('grant_id', 'in', grantIds)
      .where((w) => w.or([w('expires_at', 'is', null), w('expires_at', '>', Math.floor(Date.now() / 1000))]))
      .execute();
    const liveGrants = new Set(live.map((r) => r.grant_id));
    // A grant neither revoked nor holding a live artifact has run out.
    for (const e of entries)
      if (e.entity_kind === 'grant' && e.status === undefined) e.status = liveGrants.has(e.entity_id) ? 'active' : 'expired';
  }
}
