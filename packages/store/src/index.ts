/**
 * Storage for TokenWarden: SQLite (embedded default, one file under `--data`) or PostgreSQL
 * (production), through Kysely, with one set of migrations for both. Repositories here are the
 * only code that speaks SQL.
 *
 * @packageDocumentation
 */
export * from './database.js';
export * from './migration.js';
