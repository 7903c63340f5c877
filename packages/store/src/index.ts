/**
 * Storage for TokenWarden: SQLite (embedded default, one file under `--data`) or PostgreSQL
 * (production), through Kysely, with one set of migrations for both. Repositories here are the
 * only code that speaks SQL.
 *
 * @packageDocumentation
 */

export { auditEntryHash, canonicalJson, GENESIS_HASH } from './audit/audit-hash.js';
export * from './database.js';
export * from './migration.js';
export { createRepositories } from './repositories/create-repositories.js';
export * from './repositories/repository-types.js';
export { toStoredTime } from './repositories/row-codec.js';
export type { StoreTables } from './repositories/tables.js';
export { storeMigrations } from './store-migrations.js';
