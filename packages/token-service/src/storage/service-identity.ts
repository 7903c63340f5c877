import type { Database } from '@tokenwarden/store';
import { typed } from './schema.js';

/** Issuer and default audience, as `serve` last ran with them. */
export interface ServiceIdentity {
  issuer: string;
  audience: string;
}

/** Issuer assumed by one-shot commands when `serve` never ran on this data directory. */
export const DEFAULT_ISSUER = 'http://127.0.0.1:8080';

/**
 * Records the identity `serve` runs with, so that one-shot commands (`keys create`, `revoke`)
 * and a gateway on the same `--data` agree on the issuer and the default audience.
 *
 * @example
 * ```ts
 * await recordServiceIdentity(database, { issuer, audience });
 * ```
 */
export async function recordServiceIdentity(database: Database, identity: ServiceIdentity): Promise<void> {
  await database.transaction(async (raw) => {
    const trx = typed(raw);
    for (const [key, value] of Object.entries(identity)) {
      await trx
        .insertInto('ts_meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    }
  });
}

/**
 * Reads the recorded identity; undefined fields when `serve` never ran here.
 *
 * @example
 * ```ts
 * const { issuer = DEFAULT_ISSUER } = await readServiceIdentity(database);
 * ```
 */
export async function readServiceIdentity(database: Database): Promise<Partial<ServiceIdentity>> {
  const rows = await typed(database.db).selectFrom('ts_meta').selectAll().where('key', 'in', ['issuer', 'audience']).execute();
  const out: Partial<ServiceIdentity> = {};
  for (const r of rows) out[r.key as keyof ServiceIdentity] = r.value;
  return out;
}
