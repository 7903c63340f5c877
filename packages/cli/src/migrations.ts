import { detectionMigrations } from '@tokenwarden/detection';
import { gatewayMigrations } from '@tokenwarden/gateway';
import { feedbackMigrations, responseMigrations, settingsMigrations } from '@tokenwarden/response';
import { type Migration, storeMigrations } from '@tokenwarden/store';
import { tokenServiceMigrations } from '@tokenwarden/token-service';

/**
 * Every migration of every package that owns tables. Each package exports its own
 * `migrations` array; they are applied together, in name order, by `openDatabase`.
 */
export const allMigrations: readonly Migration[] = [
  ...storeMigrations,
  ...tokenServiceMigrations,
  ...gatewayMigrations,
  ...responseMigrations,
  ...feedbackMigrations,
  ...settingsMigrations,
  ...detectionMigrations,
];
