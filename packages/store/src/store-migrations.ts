import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, type RawBuilder, sql } from 'kysely';
import { GENESIS_HASH } from './audit/audit-hash.js';
import type { Migration, SqlDialect } from './migration.js';

type Column = 'text' | 'int' | 'bigint' | 'real';
type Columns = Record<string, `${Column}${'' | '!'}`>;

// PostgreSQL compares text with the database collation (often en_US, which ignores punctuation);
// SQLite compares bytes. Ids and ISO times must sort the same on both, so PostgreSQL text
// columns use the byte-order "C" collation.
function columnType(dialect: SqlDialect, type: Column): 'text' | 'integer' | 'bigint' | 'double precision' | RawBuilder<unknown> {
  if (type === 'text') return dialect === 'postgres' ? sql`text collate "C"` : 'text';
  if (type === 'int') return 'integer';
  if (type === 'bigint') return 'bigint';
  return 'double precision';
}

async function createTable(db: Kysely<unknown>, dialect: SqlDialect, name: string, primaryKey: string, columns: Columns): Promise<void> {
  let builder: CreateTableBuilder<string, string> = db.schema.createTable(name);
  for (const [column, spec] of Object.entries(columns)) {
    const required = spec.endsWith('!');
    const type = columnType(dialect, spec.replace('!', '') as Column);
    builder = builder.addColumn(column, type, (c: ColumnDefinitionBuilder) => {
      let col = required ? c.notNull() : c;
      if (column === primaryKey) col = col.primaryKey();
      return col;
    });
  }
  await builder.execute();
}

async function index(db: Kysely<unknown>, table: string, columns: string[], unique = false): Promise<void> {
  let builder = db.schema
    .createIndex(`${table}_${columns.join('_')}_idx`)
    .on(table)
    .columns(columns);
  if (unique) builder = builder.unique();
  await builder.execute();
}

async function createAppendOnlyTriggers(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log ` +
            `BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: ${op} refused'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION tw_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      'CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION tw_audit_log_append_only()',
    )
    .execute(db);
  await sql
    .raw('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION tw_audit_log_append_only()')
    .execute(db);
}

/**
 * The core tables: principals, credentials, access and lifecycle events, alerts, incidents, and
 * the hash-chained audit log with its anchor row.
 */
const core: Migration = {
  name: 'store-0001-core',
  async up(db, dialect) {
    await createTable(db, dialect, 'principals', 'id', {
      id: 'text!',
      kind: 'text!',
      name: 'text!',
      status: 'text!',
      created_at: 'text!',
      owner_id: 'text',
      created_by_credential_id: 'text',
      source_system: 'text!',
      metadata: 'text',
    });
    await index(db, 'principals', ['kind', 'name']);
    await index(db, 'principals', ['created_by_credential_id']);

    await createTable(db, dialect, 'credentials', 'id', {
      id: 'text!',
      kind: 'text!',
      status: 'text!',
      principal_id: 'text',
      client_id: 'text',
      grant_id: 'text',
      scopes: 'text!',
      audience: 'text!',
      created_at: 'text!',
      expires_at: 'text',
      revoked_at: 'text',
      revoked_reason: 'text',
      last_used_at: 'text',
      last_used_ip: 'text',
      cidr_allowlist: 'text',
      secret_hash: 'text',
      display_prefix: 'text',
      canary: 'int!',
      created_by_credential_id: 'text',
      source_system: 'text!',
      external_id: 'text',
      metadata: 'text',
    });
    await index(db, 'credentials', ['secret_hash'], true);
    await index(db, 'credentials', ['principal_id', 'created_at']);
    await index(db, 'credentials', ['created_by_credential_id']);
    await index(db, 'credentials', ['grant_id']);
    await index(db, 'credentials', ['external_id']);

    await createTable(db, dialect, 'access_events', 'id', {
      id: 'text!',
      time: 'text!',
      credential_id: 'text',
      credential_kind: 'text',
      principal: 'text',
      source_ip: 'text',
      user_agent: 'text',
      tls_fingerprint: 'text',
      device_id: 'text',
      operation: 'text',
      method: 'text',
      path: 'text',
      resource: 'text',
      outcome: 'text!',
      status: 'int',
      bytes_in: 'bigint',
      bytes_out: 'bigint',
      request_id: 'text',
      interactive: 'int',
      error_code: 'text',
      source_system: 'text!',
      origin: 'text',
      attributes: 'text',
    });
    await index(db, 'access_events', ['time', 'id']);
    await index(db, 'access_events', ['credential_id', 'time', 'id']);
    await index(db, 'access_events', ['principal', 'time', 'id']);

    await createTable(db, dialect, 'lifecycle_events', 'id', {
      id: 'text!',
      time: 'text!',
      type: 'text!',
      credential_id: 'text',
      credential_kind: 'text',
      principal: 'text',
      client_id: 'text',
      grant_id: 'text',
      parent_credential_id: 'text',
      source_ip: 'text',
      user_agent: 'text',
      request_id: 'text',
      reason: 'text',
      source_system: 'text!',
      details: 'text',
    });
    await index(db, 'lifecycle_events', ['time', 'id']);
    await index(db, 'lifecycle_events', ['credential_id', 'time', 'id']);
    await index(db, 'lifecycle_events', ['type', 'time', 'id']);

    await createTable(db, dialect, 'alerts', 'id', {
      id: 'text!',
      time: 'text!',
      credential: 'text!',
      principal: 'text',
      rule: 'text!',
      severity: 'text!',
      score: 'real!',
      stage: 'text!',
      summary: 'text!',
      evidence: 'text!',
      event_ids: 'text',
      detected_at: 'text',
      incident_id: 'text',
    });
    await index(db, 'alerts', ['time', 'id']);
    await index(db, 'alerts', ['credential', 'time', 'id']);
    await index(db, 'alerts', ['incident_id', 'time', 'id']);

    await createTable(db, dialect, 'incidents', 'id', {
      id: 'text!',
      credential_id: 'text!',
      principal: 'text',
      status: 'text!',
      severity: 'text!',
      risk_score: 'real!',
      stage: 'text!',
      opened_at: 'text!',
      updated_at: 'text!',
      first_event_at: 'text!',
      alert_ids: 'text!',
      related_credential_ids: 'text!',
      timeline: 'text!',
    });
    await index(db, 'incidents', ['credential_id', 'status']);
    await index(db, 'incidents', ['status', 'opened_at']);

    await createTable(db, dialect, 'audit_log', 'seq', {
      seq: 'bigint!',
      id: 'text!',
      time: 'text!',
      actor: 'text!',
      action: 'text!',
      target: 'text',
      reason: 'text',
      source_ip: 'text',
      details: 'text!',
      prev_hash: 'text!',
      hash: 'text!',
    });
    await index(db, 'audit_log', ['id'], true);
    await index(db, 'audit_log', ['hash'], true);
    await createAppendOnlyTriggers(db, dialect);

    await createTable(db, dialect, 'audit_anchor', 'id', { id: 'text!', seq: 'bigint!', hash: 'text!', updated_at: 'text!' });
    await sql`insert into audit_anchor (id, seq, hash, updated_at) values ('head', 0, ${GENESIS_HASH}, ${new Date().toISOString()})`.execute(
      db,
    );
  },
};

/**
 * Migrations of the core tables. Register them with every other package's migrations (the CLI
 * does so in `allMigrations`).
 *
 * @example
 * ```ts
 * const database = await openDatabase({ store, dataDir, migrations: [...storeMigrations, ...gatewayMigrations] });
 * ```
 */
/**
 * The control-order log: block and unblock orders for every gateway. `seq` is assigned inside the
 * write transaction, so a gateway that polls `seq > last` never skips an order.
 */
const controlOrders: Migration = {
  name: 'store-0002-control-orders',
  async up(db, dialect) {
    await createTable(db, dialect, 'control_orders', 'seq', {
      seq: 'bigint!',
      id: 'text!',
      time: 'text!',
      order_json: 'text!',
    });
    await index(db, 'control_orders', ['id'], true);
  },
};

export const storeMigrations: Migration[] = [core, controlOrders];
