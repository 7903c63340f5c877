import { randomBytes, randomUUID } from 'node:crypto';
import { newId } from '@tokenwarden/core';
import type { Database } from '@tokenwarden/store';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { recordLineage } from '../storage/lineage.js';
import { typed } from '../storage/schema.js';
import type { ServiceSecrets } from '../storage/sealing.js';
import { insertKey } from './api-keys.js';

/** Formats a canary can take. */
export type CanaryFormat = 'api_key' | 'service_account_token' | 'refresh_token' | 'access_token';

/** A minted canary: plant `value` where a thief would find it; any use raises `canary.used`. */
export interface Canary {
  id: string;
  format: CanaryFormat;
  value: string;
}

const CANARY_SCOPES: string[] = [];

/**
 * Mints a decoy credential that looks exactly like a real one of the chosen format and grants
 * nothing: `tw_k_`/`tw_s_` keys with no scopes and canary status, a 256-bit opaque value shaped
 * like our refresh tokens, or an EdDSA-signed JWT shaped like our access tokens but signed by a
 * throwaway key that is never published (so no verifier accepts it). Every value is stored only
 * as a keyed hash, so any presentation can be recognised.
 *
 * @example
 * ```ts
 * const canary = await createCanary(database, secrets, { format: 'api_key', label: 'ci-secrets-bucket' }, ctx);
 * ```
 */
export async function createCanary(
  database: Database,
  secrets: ServiceSecrets,
  input: { format: CanaryFormat; label: string; createdByCredentialId?: string },
  context: { issuer: string; audience: string },
): Promise<Canary> {
  if (input.format === 'api_key' || input.format === 'service_account_token') {
    const minted = await database.transaction((trx) =>
      insertKey(typed(trx), secrets, {
        letter: input.format === 'api_key' ? 'k' : 's',
        subject: input.label,
        scopes: CANARY_SCOPES,
        audience: [context.audience],
        ttlMs: 10 * 365 * 86_400_000,
        canary: true,
        ...(input.createdByCredentialId ? { createdByCredentialId: input.createdByCredentialId } : {}),
      }),
    );
    return { id: minted.id, format: input.format, value: minted.key };
  }
  const value = input.format === 'refresh_token' ? randomBytes(32).toString('base64url') : await canaryJwt(context);
  const id = newId('can');
  const now = new Date();
  await database.transaction(async (raw) => {
    const trx = typed(raw);
    await trx
      .insertInto('ts_keys')
      .values({
        id,
        kind: input.format,
        secret_hash: secrets.hash(value),
        display_prefix: value.slice(0, 8),
        subject: input.label,
        scopes: '[]',
        audience: JSON.stringify([context.audience]),
        created_at: now.toISOString(),
        not_before: null,
        expires_at: null,
        cidr_allowlist: null,
        canary: 1,
        status: 'active',
        service_account_id: null,
        last_used_at: null,
        last_used_ip: null,
        revoked_at: null,
        revoked_reason: null,
        superseded_at: null,
      })
      .execute();
    await recordLineage(trx, { entityId: id, entityKind: 'canary', createdBy: input.createdByCredentialId });
  });
  return { id, format: input.format, value };
}

/** A canary recognised by its value: its id, format and the label it was planted under. */
export interface CanaryHit {
  id: string;
  kind: string;
  label: string;
}

/**
 * Finds the canary a presented value belongs to, by keyed hash; undefined when it is not one.
 *
 * @example
 * ```ts
 * const hit = await findCanary(db, secrets, presented);
 * ```
 */
export async function findCanary(db: Database['db'], secrets: ServiceSecrets, value: string): Promise<CanaryHit | undefined> {
  const row = await typed(db)
    .selectFrom('ts_keys')
    .select(['id', 'kind', 'subject'])
    .where('secret_hash', '=', secrets.hash(value))
    .where('canary', '=', 1)
    .executeTakeFirst();
  return row ? { id: row.id, kind: row.kind, label: row.subject } : undefined;
}

async function canaryJwt(context: { issuer: string; audience: string }): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  await exportJWK(publicKey); // generated like a real key; deliberately never published
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: '', client_id: newId('cl') })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: randomUUID() })
    .setIssuer(context.issuer)
    .setAudience(context.audience)
    .setSubject(newId('usr'))
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
}
