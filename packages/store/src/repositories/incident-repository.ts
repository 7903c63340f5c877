import type { Incident } from '@tokenwarden/core';
import { sql } from 'kysely';
import { DEFAULT_LIMIT, type IncidentRepository } from './repository-types.js';
import { rowCodec } from './row-codec.js';
import { limitOf, type StoreContext } from './store-context.js';
import type { IncidentTable } from './tables.js';

const codec = rowCodec<Incident>('incident', {
  id: 'text',
  credential_id: 'text',
  principal: 'text',
  status: 'text',
  severity: 'text',
  risk_score: 'real',
  stage: 'text',
  opened_at: 'time',
  updated_at: 'time',
  first_event_at: 'time',
  alert_ids: 'json',
  related_credential_ids: 'json',
  timeline: 'json',
});

/** Statuses of an incident that still needs work. */
const UNRESOLVED = ['open', 'contained'] as const;

/**
 * The SQL adapter of {@link IncidentRepository}.
 *
 * @example
 * ```ts
 * const incidents = createIncidentRepository(storeContext(database));
 * ```
 */
export function createIncidentRepository(ctx: StoreContext): IncidentRepository {
  return {
    async upsert(incident) {
      const row = codec.toRow(incident) as unknown as IncidentTable;
      const { id: _id, ...changes } = row;
      await ctx.run('upsert incident', (db) =>
        db
          .insertInto('incidents')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(changes))
          .execute(),
      );
    },
    async get(id) {
      const row = await ctx.run('get incident', (db) => db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst());
      return row ? codec.fromRow(row) : undefined;
    },
    async list(filter = {}) {
      const limit = limitOf(filter.limit, DEFAULT_LIMIT);
      const rows = await ctx.run('list incidents', (db) => {
        let query = db.selectFrom('incidents').selectAll();
        if (filter.status !== undefined) query = query.where('status', '=', filter.status);
        if (filter.credential_id !== undefined) query = query.where('credential_id', '=', filter.credential_id);
        return query.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      });
      return rows.map((r) => codec.fromRow(r));
    },
    async findOpenByCredential(credentialId) {
      const row = await ctx.run('find open incident', (db) =>
        db
          .selectFrom('incidents')
          .selectAll()
          .where('credential_id', '=', credentialId)
          .where('status', 'in', [...UNRESOLVED])
          .orderBy('opened_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst(),
      );
      return row ? codec.fromRow(row) : undefined;
    },
    async findUnresolvedRelating(credentialId) {
      // The ids are stored as a JSON array: its quoted element is a substring of the column, found by LIKE
      // (case-insensitive in SQLite, so the decoded array is checked exactly below).
      const pattern = `%${escapeLike(JSON.stringify(credentialId))}%`;
      const rows = await ctx.run('find incidents relating', (db) =>
        db
          .selectFrom('incidents')
          .selectAll()
          .where('status', 'in', [...UNRESOLVED])
          .where(sql<boolean>`related_credential_ids like ${pattern} escape '!'`)
          .orderBy('opened_at', 'desc')
          .orderBy('id', 'desc')
          .execute(),
      );
      const related = rows.map((r) => codec.fromRow(r)).filter((i) => i.related_credential_ids.includes(credentialId));
      // An open incident before a contained one, each newest first.
      return related.find((i) => i.status === 'open') ?? related[0];
    },
  };
}

/** `text` matched literally by LIKE with `escape '!'`. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}
