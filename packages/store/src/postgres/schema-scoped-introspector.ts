import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/** The migrator's own tables: ours (`tw_migrations*`) and Kysely's default names. */
const MIGRATOR_TABLE = /^(tw_migrations|kysely_migration)(_lock)?$/;

interface ColumnRow {
  table: string;
  kind: string;
  column: string;
  type: string;
  type_schema: string;
  not_null: boolean;
  has_default: boolean;
}

/**
 * A Kysely introspector that looks at one schema only.
 *
 * Kysely's own PostgreSQL introspector scans every schema of the database and calls
 * `has_schema_privilege(name)` per row; when another process drops a schema during that scan
 * (several TokenWarden stores or test runs sharing one database), the call fails with
 * "schema … does not exist" and our migration fails with it. The migrator only asks whether its
 * own tables exist in our schema, so looking at that schema alone is both correct and immune.
 *
 * @example
 * ```ts
 * class ScopedDialect extends PostgresDialect {
 *   override createIntrospector(db: Kysely<any>) { return new SchemaScopedIntrospector(db, 'tokenwarden'); }
 * }
 * ```
 */
export class SchemaScopedIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    return [{ name: this.schema }];
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select c.relname as "table", c.relkind as kind, a.attname as "column", t.typname as type,
             tns.nspname as type_schema, a.attnotnull as not_null, a.atthasdef as has_default
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid
        join pg_catalog.pg_type t on t.oid = a.atttypid
        join pg_catalog.pg_namespace tns on tns.oid = t.typnamespace
       where ns.nspname = ${this.schema}
         and c.relkind in ('r', 'v', 'p')
         and a.attnum >= 0 and not a.attisdropped
       order by c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && MIGRATOR_TABLE.test(row.table)) continue;
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, schema: this.schema, isView: row.kind === 'v', columns: [] };
        tables.set(row.table, table);
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        hasDefaultValue: row.has_default,
        // Only the migrator uses this introspector, and it never asks about sequences.
        isAutoIncrementing: false,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
