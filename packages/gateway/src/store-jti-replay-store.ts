import { hash } from 'node:crypto';
import type { Database } from '@tokenwarden/store';
import type { Kysely } from 'kysely';
import type { JtiReplayStore } from './jti-replay-store.js';

interface ReplayTables {
  gateway_dpop_replay: { proof_key: string; expires_at: number };
}

/**
 * A DPoP replay store shared by every gateway on one store (SQLite file or PostgreSQL): a single
 * `INSERT … ON CONFLICT DO UPDATE … WHERE expired` statement claims a proof atomically, so two
 * processes racing with the same proof cannot both win, and an expired entry can be reused.
 * Expired rows are swept now and then.
 *
 * @example
 * ```ts
 * const replay = new StoreJtiReplayStore(database);
 * await replay.claim(`${jkt}:${jti}`, Date.now() + 300_000); // true once, then false
 * ```
 */
export class StoreJtiReplayStore implements JtiReplayStore {
  private readonly db: Kysely<ReplayTables>;
  private lastSweep = 0;

  constructor(database: Database) {
    this.db = database.db as unknown as Kysely<ReplayTables>;
  }

  async claim(key: string, expiresAt: number): Promise<boolean> {
    const now = Date.now();
    // Hash the key: bounded length, and no proof material stored as is.
    const proofKey = hash('sha256', key, 'base64url');
    const result = await this.db
      .insertInto('gateway_dpop_replay')
      .values({ proof_key: proofKey, expires_at: expiresAt })
      .onConflict((oc) => oc.column('proof_key').doUpdateSet({ expires_at: expiresAt }).where('gateway_dpop_replay.expires_at', '<=', now))
      .executeTakeFirst();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      this.db
        .deleteFrom('gateway_dpop_replay')
        .where('expires_at', '<=', now)
        .execute()
        .catch(() => {});
    }
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
}
