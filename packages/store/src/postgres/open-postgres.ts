import { userInfo } from 'node:os';
import type { StoreConfig } from '@tokenwarden/config';
import { UnavailableError } from '@tokenwarden/core';
import { CompiledQuery, type DatabaseIntrospector, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.js';
import { translateStoreError } from '../database.js';
import { SchemaScopedIntrospector } from './schema-scoped-introspector.js';

/** int8 and numeric come back as numbers (our counters fit easily in 2^53). */
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * Connects to PostgreSQL, checking reachability first so an unreachable server gives one clear
 * error naming host:port. With `store.schema`, every connection uses that schema (created if
 * missing), which is how tests get a fresh namespace per run.
 */
export async function openPostgres(store: StoreConfig): Promise<Database> {
  const url = store.url ?? 'postgres://127.0.0.1:5432/tokenwarden';
  const address = describeUrl(url);
  const pool = new pg.Pool({ connectionString: withDefaultUser(url), max: 10, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {
    // Idle client errors (server restart) surface on the next query; do not crash the process.
  });
  let schema = store.schema;
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      else schema = ((await client.query('select current_schema() as s')).rows[0] as { s: string | null } | undefined)?.s ?? 'public';
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => {});
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || /timeout/i.test(String((e as Error).message))) {
      throw new UnavailableError('PostgreSQL', address, `start PostgreSQL at ${address} or fix store.url (TOKENWARDEN_STORE__URL)`, {
        cause: e,
      });
    }
    throw translateStoreError(e, address, 'connect');
  }
  const scope = schema ?? 'public';
  const db = new Kysely<unknown>({
    dialect: new ScopedPostgresDialect(scope, {
      pool,
      onCreateConnection: store.schema
        ? async (conn) => {
            await conn.executeQuery(CompiledQuery.raw(`SET search_path TO "${schema}"`));
          }
        : undefined,
    }),
  });
  return {
    db,
    dialect: 'postgres',
    location: store.schema ? `${address} (schema ${schema})` : address,
    schema,
    async transaction(fn) {
      return db.transaction().execute((trx) => fn(trx));
    },
    async close() {
      await db.destroy();
    },
  };
}

/** PostgreSQL with an introspector limited to our schema (see SchemaScopedIntrospector for why). */
class ScopedPostgresDialect extends PostgresDialect {
  constructor(
    private readonly scope: string,
    config: ConstructorParameters<typeof PostgresDialect>[0],
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaScopedIntrospector(db, this.scope);
  }
}

// libpq falls back to the OS user when the URL names none; node-postgres only reads $USER, which
// services and CI containers often lack.
function withDefaultUser(url: string): string {
  if (process.env.PGUSER || process.env.USER) return url;
  try {
    const parsed = new URL(url);
    if (parsed.username) return url;
    parsed.username = encodeURIComponent(userInfo().username);
    return parsed.toString();
  } catch {
    return url;
  }
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || '127.0.0.1'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable store.url)';
  }
}

export { sql };
