import type { Migration } from '@tokenwarden/store';
import { tokenServiceMigrations } from '@tokenwarden/token-service';

/**
 * Every migration of every package that owns tables. Each package exports its own
 * `migrations` array; they are applied together, in name order, by `openDatabase`.
 */
export const allMigrations: readonly Migration[] = [...tokenServiceMigrations];
