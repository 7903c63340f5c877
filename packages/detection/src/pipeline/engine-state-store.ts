import { TokenWardenError } from '@tokenwarden/core';
import type { Database, Migration } from '@tokenwarden/store';
import type { Kysely } from 'kysely';

interface EngineStateTable {
  detection_engine_state: { name: string; version: number; data: string; saved_at: string };
}

/**
 * Migrations of the detection package: one table of named state blobs (the engine snapshot, the
 * store-tail cursor of each worker), so a restarted worker keeps its baselines and its place.
 *
 * @example
 * ```ts
 * const database = await openDatabase({ store, dataDir, migrations: [...storeMigrations, ...detectionMigrations] });
 * ```
 */
export const detectionMigrations: Migration[] = [
  {
    name: 'detection-0001-engine-state',
    async up(db) {
      await db.schema
        .createTable('detection_engine_state')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        // Base64 text: portable across SQLite and PostgreSQL, and snapshots are gzip-compressed already.
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('saved_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

/** One saved state blob. */
export interface EngineStateRecord {
  name: string;
  /** Increments on every save of this name (1 for the first). */
  version: number;
  data: Uint8Array;
  /** ISO-8601 UTC time of the save. */
  saved_at: string;
}

/**
 * Named, versioned state blobs of detection in the shared store: `save` replaces the blob and
 * bumps its version, `load` returns the latest one. Used for the engine snapshot (restore at
 * start, save periodically and at shutdown) and for the worker's tail cursor.
 *
 * @example
 * ```ts
 * const states = new EngineStateStore(database);
 * await states.save('engine', engine.snapshot());
 * const saved = await states.load('engine');
 * if (saved) engine.restore(saved.data);
 * ```
 */
export class EngineStateStore {
  private readonly db: Kysely<EngineStateTable>;

  constructor(private readonly database: Database) {
    this.db = database.db as Kysely<EngineStateTable>;
  }

  /** Replaces the blob called `name`; resolves to the record as saved (with its new version). */
  async save(name: string, data: Uint8Array): Promise<EngineStateRecord> {
    assertName(name);
    const encoded = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
    const savedAt = new Date().toISOString();
    try {
      const version = await this.database.transaction(async (trx) => {
        const t = trx as Kysely<EngineStateTable>;
        const row = await t.selectFrom('detection_engine_state').select('version').where('name', '=', name).executeTakeFirst();
        const next = Number(row?.version ?? 0) + 1;
        if (row) {
          await t
            .updateTable('detection_engine_state')
            .set({ version: next, data: encoded, saved_at: savedAt })
            .where('name', '=', name)
            .execute();
        } else {
          await t.insertInto('detection_engine_state').values({ name, version: next, data: encoded, saved_at: savedAt }).execute();
        }
        return next;
      });
      return { name, version, data, saved_at: savedAt };
    } catch (e) {
      throw storeError(e, `save detection state "${name}"`);
    }
  }

  /** The latest blob called `name`, or undefined when none was saved. */
  async load(name: string): Promise<EngineStateRecord | undefined> {
    assertName(name);
    let row: EngineStateTable['detection_engine_state'] | undefined;
    try {
      row = await this.db.selectFrom('detection_engine_state').selectAll().where('name', '=', name).executeTakeFirst();
    } catch (e) {
      throw storeError(e, `load detection state "${name}"`);
    }
    if (!row) return undefined;
    return { name: row.name, version: Number(row.version), data: new Uint8Array(Buffer.from(row.data, 'base64')), saved_at: row.saved_at };
  }
}

function assertName(name: string): void {
  if (!/^[a-z0-9][a-z0-9._:-]{0,127}$/.test(name)) {
    throw new TokenWardenError('TW_USAGE', `invalid detection state name "${name.slice(0, 40)}"`, {
      hint: 'use lowercase letters, digits and . _ : - (at most 128 characters)',
    });
  }
}

function storeError(e: unknown, during: string): TokenWardenError {
  if (e instanceof TokenWardenError) return e;
  return new TokenWardenError('TW_UNAVAILABLE', `could not ${during}: ${e instanceof Error ? e.message : String(e)}`, {
    hint: 'check that the store is reachable and migrated (tokenwarden migrate)',
    cause: e,
  });
}
