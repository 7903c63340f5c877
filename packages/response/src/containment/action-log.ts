import type { Database, Migration } from '@tokenwarden/store';
import type { Kysely } from 'kysely';

/** A recorded response action: what, on what, by whom, why, and what came of it. */
export interface ActionRecord {
  id: string;
  key: string;
  kind: string;
  target: string;
  actor: string;
  reason: string;
  automatic: boolean;
  status: 'done' | 'failed' | 'held';
  result: Record<string, unknown>;
  created_at: string;
  incident_id?: string;
}

interface ActionsTable {
  response_actions: {
    id: string;
    idem_key: string;
    kind: string;
    target: string;
    actor: string;
    reason: string;
    automatic: number;
    status: string;
    result: string;
    created_at: string;
    incident_id: string | null;
  };
}

/** Migrations owned by the response package. */
export const responseMigrations: Migration[] = [
  {
    name: 'response-0001-actions',
    async up(db) {
      await db.schema
        .createTable('response_actions')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('idem_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('automatic', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'text')
        .execute();
      await db.schema.createIndex('response_actions_key').ifNotExists().on('response_actions').column('idem_key').execute();
      await db.schema.createIndex('response_actions_incident').ifNotExists().on('response_actions').column('incident_id').execute();
    },
  },
];

/**
 * The record of response actions, used for idempotency (an action already done is not done
 * again) and for the incident's "what did we do" view.
 *
 * @example
 * ```ts
 * const log = new ActionLog(database);
 * if (await log.findDone('revoke:key_1')) return;
 * ```
 */
export class ActionLog {
  private readonly db: Kysely<ActionsTable>;

  constructor(database: Database) {
    this.db = database.db as Kysely<ActionsTable>;
  }

  /**
   * The completed action with this idempotency key, if any; with `since`, only one completed at or
   * after it (an older one no longer holds: a block that expired, a sign-out before a new sign-in).
   */
  async findDone(key: string, since?: string): Promise<ActionRecord | undefined> {
    let q = this.db.selectFrom('response_actions').selectAll().where('idem_key', '=', key).where('status', '=', 'done');
    if (since !== undefined) q = q.where('created_at', '>=', since);
    const row = await q.orderBy('created_at', 'asc').executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** A held action with this idempotency key, if any (the first). */
  async findHeld(key: string): Promise<ActionRecord | undefined> {
    const row = await this.db
      .selectFrom('response_actions')
      .selectAll()
      .where('idem_key', '=', key)
      .where('status', '=', 'held')
      .orderBy('created_at', 'asc')
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The newest completed action of this kind on this target, whatever its key (manual or any incident's). */
  async latestDone(kind: string, target: string): Promise<ActionRecord | undefined> {
    const row = await this.db
      .selectFrom('response_actions')
      .selectAll()
      .where('kind', '=', kind)
      .where('target', '=', target)
      .where('status', '=', 'done')
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Appends an action record. */
  async record(r: ActionRecord): Promise<void> {
    await this.db
      .insertInto('response_actions')
      .values({
        id: r.id,
        idem_key: r.key,
        kind: r.kind,
        target: r.target,
        actor: r.actor,
        reason: r.reason,
        automatic: r.automatic ? 1 : 0,
        status: r.status,
        result: JSON.stringify(r.result),
        created_at: r.created_at,
        incident_id: r.incident_id ?? null,
      })
      .execute();
  }

  /** Actions of an incident, oldest first. */
  async forIncident(incidentId: string): Promise<ActionRecord[]> {
    const rows = await this.db
      .selectFrom('response_actions')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('created_at', 'asc')
      .execute();
    return rows.map(toRecord);
  }
}

function toRecord(row: ActionsTable['response_actions']): ActionRecord {
  return {
    id: row.id,
    key: row.idem_key,
    kind: row.kind,
    target: row.target,
    actor: row.actor,
    reason: row.reason,
    automatic: row.automatic === 1,
    status: row.status as ActionRecord['status'],
    result: JSON.parse(row.result) as Record<string, unknown>,
    created_at: row.created_at,
    ...(row.incident_id ? { incident_id: row.incident_id } : {}),
  };
}
