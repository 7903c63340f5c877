import { newId, TokenWardenError } from '@tokenwarden/core';
import type { Database } from '@tokenwarden/store';
import { recordLineage } from '../storage/lineage.js';
import { typed } from '../storage/schema.js';
import type { ServiceSecrets } from '../storage/sealing.js';
import { assertAudienceUri, insertKey, type MintedKey } from './api-keys.js';
import { deliverToken, resolveDeliveryPath } from './token-delivery.js';

/** Input of {@link createServiceAccount}. */
export interface CreateServiceAccountInput {
  name: string;
  owner: string;
  scopes: string[];
  audience: string[];
  /** Lifetime of each token (its maximum life); default 30 days. */
  tokenLifetimeMs?: number;
  /** How often a new token is minted; default 7 days. Must be shorter than the token lifetime. */
  rotationIntervalMs?: number;
  /** How long the previous token keeps working after a rotation; default 1 day. */
  overlapMs?: number;
  /**
   * File every new token of the account (the first one included) is written to (0600, replaced
   * atomically). Scheduled rotation runs only for accounts that have one: a token minted by `serve`
   * that reaches no one would lock the account's owner out once the overlap ends.
   */
  deliverTo?: string;
  createdByCredentialId?: string;
}

/** A service account and its current token (shown once). */
export interface ServiceAccountToken extends MintedKey {
  service_account_id: string;
  /** Where the token was written, when the account has a delivery file. */
  delivered_to?: string;
  /** After a rotation: the tokens it replaced, and when each now stops working (the end of the overlap). */
  superseded?: { id: string; valid_until: string }[];
}

const DAY = 86_400_000;

/**
 * Creates a service account (a machine identity with an owner and narrow scopes) and its first
 * `tw_s_` token.
 *
 * @example
 * ```ts
 * const { service_account_id, key } = await createServiceAccount(database, secrets, {
 *   name: 'nightly-export', owner: 'alice', scopes: ['export:read'], audience: [defaultAudience],
 * });
 * ```
 */
export async function createServiceAccount(
  database: Database,
  secrets: ServiceSecrets,
  input: CreateServiceAccountInput,
): Promise<ServiceAccountToken> {
  const lifetime = input.tokenLifetimeMs ?? 30 * DAY;
  const interval = input.rotationIntervalMs ?? 7 * DAY;
  const overlap = input.overlapMs ?? DAY;
  // An overlap longer than the interval keeps ever more tokens alive at once (10d over 1d: 11).
  if (overlap > interval) {
    throw new TokenWardenError('TW_USAGE', 'the overlap must not be longer than the rotation interval', {
      hint: 'e.g. rotation 7d, overlap 1d: at most two tokens work at any time',
    });
  }
  if (!(interval > 0 && overlap >= 0 && interval + overlap <= lifetime)) {
    throw new TokenWardenError('TW_USAGE', 'rotation interval plus overlap must fit within the token lifetime', {
      hint: 'e.g. lifetime 30d, rotation 7d, overlap 1d',
    });
  }
  for (const aud of input.audience) assertAudienceUri(aud);
  if (input.scopes.length === 0)
    throw new TokenWardenError('TW_USAGE', 'a service account needs at least one scope', { hint: 'pass --scopes' });
  const deliverTo = input.deliverTo === undefined ? undefined : resolveDeliveryPath(input.deliverTo);
  const now = new Date();
  const id = newId('sa');
  return database.transaction(async (raw) => {
    const trx = typed(raw);
    const taken = await trx.selectFrom('ts_service_accounts').select('id').where('name', '=', input.name).executeTakeFirst();
    if (taken) throw new TokenWardenError('TW_CONFLICT', `service account ${input.name} already exists`, { hint: 'choose another name' });
    await trx
      .insertInto('ts_service_accounts')
      .values({
        id,
        name: input.name,
        owner: input.owner,
        scopes: JSON.stringify(input.scopes),
        token_lifetime_s: Math.round(lifetime / 1000),
        rotation_interval_s: Math.round(interval / 1000),
        overlap_s: Math.round(overlap / 1000),
        next_rotation_at: new Date(now.getTime() + interval).toISOString(),
        status: 'active',
        created_at: now.toISOString(),
        deliver_to: deliverTo ?? null,
      })
      .execute();
    await recordLineage(trx, { entityId: id, entityKind: 'service_account', createdBy: input.createdByCredentialId });
    const minted = await insertKey(trx, secrets, {
      letter: 's',
      subject: input.name,
      scopes: input.scopes,
      audience: input.audience,
      ttlMs: lifetime,
      serviceAccountId: id,
      createdByCredentialId: input.createdByCredentialId ?? id,
      now,
    });
    // Before the commit: an undeliverable token is never created.
    if (deliverTo) deliverToken(deliverTo, minted.key);
    return { ...minted, service_account_id: id, ...(deliverTo ? { delivered_to: deliverTo } : {}) };
  });
}

/**
 * Rotates a service account (named by its id, its name, or one of its tokens' `sat_` ids) now: mints a new token (same scopes and audience) and shortens every
 * older active or suspended token to end `overlap` from now (both work during the overlap, then
 * the old one dies). With a delivery file, the new token is written there before the rotation
 * commits; if it cannot be, nothing changes (`TW_DELIVERY_FAILED`) and the old token stays as it was.
 *
 * @example
 * ```ts
 * const next = await rotateServiceAccount(database, secrets, 'sa_01H...', defaultAudience);
 * ```
 */
export async function rotateServiceAccount(
  database: Database,
  secrets: ServiceSecrets,
  idOrName: string,
  now = new Date(),
): Promise<ServiceAccountToken> {
  return database.transaction(async (raw) => {
    const trx = typed(raw);
    // A token id (`sat_...`, as alerts and incidents name the credential) names its account.
    const owner = idOrName.startsWith('sat_')
      ? await trx.selectFrom('ts_keys').select('service_account_id').where('id', '=', idOrName).executeTakeFirst()
      : undefined;
    const wanted = owner?.service_account_id ?? idOrName;
    const sa = await trx
      .selectFrom('ts_service_accounts')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', wanted), eb('name', '=', wanted)]))
      .executeTakeFirst();
    if (!sa) throw new TokenWardenError('TW_NOT_FOUND', `service account ${idOrName} not found`, { hint: 'check the name or id' });
    if (sa.status !== 'active') throw new TokenWardenError('TW_CONFLICT', `service account ${sa.name} is ${sa.status}`, {});
    const overlapEnd = new Date(now.getTime() + sa.overlap_s * 1000).toISOString();
    // Suspended tokens too: reinstated later, one must not outlive the rotation by its full life.
    const previous = await trx
      .selectFrom('ts_keys')
      .select(['id', 'expires_at'])
      .where('service_account_id', '=', sa.id)
      .where('status', 'in', ['active', 'suspended'])
      .where('superseded_at', 'is', null)
      .execute();
    const superseded: { id: string; valid_until: string }[] = [];
    for (const p of previous) {
      const expires = p.expires_at && p.expires_at < overlapEnd ? p.expires_at : overlapEnd;
      await trx.updateTable('ts_keys').set({ superseded_at: now.toISOString(), expires_at: expires }).where('id', '=', p.id).execute();
      superseded.push({ id: p.id, valid_until: expires });
    }
    // The account's audience is the one its tokens carry: read it off the newest token whatever its
    // status, since rotating right after revoking a leaked token is the usual way to replace it.
    const latest = await trx
      .selectFrom('ts_keys')
      .select('audience')
      .where('service_account_id', '=', sa.id)
      .where('canary', '=', 0)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const audience = latest ? (JSON.parse(latest.audience) as string[]) : [];
    const minted = await insertKey(trx, secrets, {
      letter: 's',
      subject: sa.name,
      scopes: JSON.parse(sa.scopes) as string[],
      audience,
      ttlMs: sa.token_lifetime_s * 1000,
      serviceAccountId: sa.id,
      createdByCredentialId: sa.id,
      now,
    });
    await trx
      .updateTable('ts_service_accounts')
      .set({ next_rotation_at: new Date(now.getTime() + sa.rotation_interval_s * 1000).toISOString() })
      .where('id', '=', sa.id)
      .execute();
    if (sa.deliver_to) deliverToken(sa.deliver_to, minted.key);
    return { ...minted, service_account_id: sa.id, superseded, ...(sa.deliver_to ? { delivered_to: sa.deliver_to } : {}) };
  });
}

/**
 * Rotates every service account whose scheduled rotation is due at `now` (as the issue's
 * "scheduled rotation with an overlap window, then the old one dies" requires); returns the new
 * tokens. An account with a delivery file gets its new token written there (see
 * {@link CreateServiceAccountInput.deliverTo}); one without must be picked up by its owner with
 * `service-accounts rotate` within the overlap. One account that fails (its file cannot be
 * written) is passed to `onFailure` and retried at the next call; the others still rotate.
 *
 * @example
 * ```ts
 * setInterval(async () => await rotateDue(database, secrets, new Date(), (id, e) => console.error(id, e)), 60_000);
 * ```
 */
export async function rotateDue(
  database: Database,
  secrets: ServiceSecrets,
  now = new Date(),
  onFailure: (serviceAccountId: string, error: unknown) => void = () => {},
): Promise<ServiceAccountToken[]> {
  const due = await typed(database.db)
    .selectFrom('ts_service_accounts')
    .select('id')
    .where('status', '=', 'active')
    .where('next_rotation_at', '<=', now.toISOString())
    .execute();
  const out: ServiceAccountToken[] = [];
  for (const { id } of due) {
    try {
      out.push(await rotateServiceAccount(database, secrets, id, now));
    } catch (e) {
      onFailure(id, e);
    }
  }
  return out;
}
