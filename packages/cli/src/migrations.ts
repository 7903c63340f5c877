import type { Migration } from '@tokenwarden/store';

/**
 * Every migration of every package that owns tables. Each package exports its own
 * `migrations` array; they are applied together, in name order, by `openDatabase`.
 */
export const allMigrations: readonly Migration[] = [];
