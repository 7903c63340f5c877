import type { Alert, Incident } from '@tokenwarden/core';
import { newId } from '@tokenwarden/core';
import type { Database, Migration } from '@tokenwarden/store';
import type { Kysely } from 'kysely';
import type { FalsePositiveFeedback } from './incident-manager.js';

/** One false-positive verdict, as recorded for the detection engines to learn from. */
export interface FeedbackRecord {
  id: string;
  incident_id: string;
  /** Credentials whose alerts were wrong (the incident's and the related ones that alerted). */
  credentials: string[];
  /** The access events behind the incident's alerts: what the profiles should accept as normal. */
  event_ids: string[];
  created_at: string;
}

interface FeedbackTable {
  response_feedback: { id: string; incident_id: string; credentials: string; event_ids: string; created_at: string };
}

/**
 * Migration of the false-positive feedback log (table `response_feedback`).
 *
 * @example
 * ```ts
 * await openDatabase({ store, dataDir, migrations: [...storeMigrations, ...feedbackMigrations] });
 * ```
 */
export const feedbackMigrations: Migration[] = [
  {
    name: 'response-0002-feedback',
    async up(db) {
      await db.schema
        .createTable('response_feedback')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('credentials', 'text', (c) => c.notNull())
        .addColumn('event_ids', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('response_feedback_time').ifNotExists().on('response_feedback').column('created_at').execute();
    },
  },
];

/**
 * The durable record of false-positive verdicts, so that every detection worker learns from a
 * verdict given anywhere (`tokenwarden incidents false-positive` in another process, the response
 * API): verdicts are written to the shared store, and workers read them with {@link since}.
 *
 * @example
 * ```ts
 * const log = new FeedbackLog(database);
 * const incidents = new IncidentManager(repos, lineage, log.recorder());
 * // in the worker:
 * for (const f of await log.since('2026-11-02T03:00:00.000Z')) learn(f.event_ids);
 * ```
 */
export class FeedbackLog {
  private readonly db: Kysely<FeedbackTable>;

  constructor(database: Database) {
    this.db = database.db as Kysely<FeedbackTable>;
  }

  /** Records a verdict on an incident and its alerts. */
  async record(incident: Incident, alerts: readonly Alert[], now = new Date()): Promise<FeedbackRecord> {
    const record: FeedbackRecord = {
      id: newId('fb'),
      incident_id: incident.id,
      credentials: [...new Set([incident.credential_id, ...alerts.map((a) => a.credential)])],
      event_ids: [...new Set(alerts.flatMap((a) => a.event_ids ?? []))],
      created_at: now.toISOString(),
    };
    await this.db
      .insertInto('response_feedback')
      .values({
        id: record.id,
        incident_id: record.incident_id,
        credentials: JSON.stringify(record.credentials),
        event_ids: JSON.stringify(record.event_ids),
        created_at: record.created_at,
      })
      .execute();
    return record;
  }

  /** The feedback callback of an `IncidentManager` that records verdicts here. */
  recorder(): FalsePositiveFeedback {
    return async (incident, alerts) => {
      await this.record(incident, alerts);
    };
  }

  /** Verdicts recorded at or after `from` (ISO time; all when undefined), oldest first. */
  async since(from: string | undefined, limit = 1000): Promise<FeedbackRecord[]> {
    let q = this.db.selectFrom('response_feedback').selectAll();
    if (from !== undefined) q = q.where('created_at', '>=', from);
    const rows = await q.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      incident_id: r.incident_id,
      credentials: JSON.parse(r.credentials) as string[],
      event_ids: JSON.parse(r.event_ids) as string[],
      created_at: r.created_at,
    }));
  }
}
