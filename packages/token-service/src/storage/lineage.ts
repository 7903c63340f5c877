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
  return out;
}
