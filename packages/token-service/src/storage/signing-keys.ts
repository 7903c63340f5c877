import { randomUUID } from 'node:crypto';
import type { Database } from '@tokenwarden/store';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { MAX_ACCESS_TOKEN_TTL_S } from './grant-store.js';
import { typed } from './schema.js';
import type { ServiceSecrets } from './sealing.js';

/** The JWS algorithm of every token we sign (Ed25519). */
export const SIGNING_ALG = 'EdDSA';

/** The signing keys in force at one moment. */
export interface SigningKeySet {
  /** kid of the key that signs now. */
  currentKid: string;
  /** Private JWKs of every published key (current, pre-published next, retiring), for the provider. */
  privateJwks: JWK[];
  /** Public JWKs of the same keys, for the JWKS endpoint and local verification. */
  publicJwks: JWK[];
  /** Fingerprint of the set; changes whenever a key is added, activated or dropped. */
  version: string;
}

/**
 * Signing keys live in the store, private halves sealed with a pepper-derived key. Why the store
 * and not `<data>/secrets`: every instance behind a PostgreSQL store must sign with, and publish,
 * the same keys, and rotation must be visible to all of them; sealing keeps a database dump
 * alone from forging tokens (the pepper stays on the instances' disks).
 *
 * Rotation publishes a new key `publishLeadMs` before it signs anything (so caches of the JWKS
 * pick it up first) and keeps the old key published until its last access token has expired.
 *
 * @example
 * ```ts
 * const keys = await loadSigningKeys(database, secrets); // creates the first key on first run
 * ```
 */
export async function loadSigningKeys(database: Database, secrets: ServiceSecrets, now = new Date()): Promise<SigningKeySet> {
  const iso = now.toISOString();
  let rows = await typed(database.db)
    .selectFrom('ts_signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', iso)]))
    .orderBy('activates_at', 'desc')
    .execute();
  let current = rows.find((r) => r.activates_at <= iso && (r.retires_at === null || r.retires_at > iso));
  if (!current) {
    await addSigningKey(database, secrets, now, now);
    rows = await typed(database.db)
      .selectFrom('ts_signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', iso)]))
      .orderBy('activates_at', 'desc')
      .execute();
    current = rows.find((r) => r.activates_at <= iso && (r.retires_at === null || r.retires_at > iso));
  }
  if (!current) throw new Error('no active signing key after creating one');
  // The provider picks the first matching key when no kid is given: put the current one first.
  const ordered = [current, ...rows.filter((r) => r.kid !== current.kid)];
  return {
    currentKid: current.kid,
    privateJwks: ordered.map((r) => JSON.parse(secrets.unseal(r.private_jwk_sealed)) as JWK),
    publicJwks: ordered.map((r) => JSON.parse(r.public_jwk) as JWK),
    version: `${current.kid}|${ordered.map((r) => r.kid).join(',')}`,
  };
}

/** One signing key's schedule, as `tokenwarden keys rotate-signing` reports it (no key material). */
export interface SigningKeyInfo {
  kid: string;
  /** `next`: published, not signing yet; `current`: signs now; `retiring`: published for verification only. */
  state: 'next' | 'current' | 'retiring';
  activates_at: string;
  retires_at: string | null;
  /** When it leaves the JWKS (its last token has expired); null while it may still sign. */
  expires_at: string | null;
}

/**
 * The published signing keys (those still in the JWKS) and their schedule, newest first.
 *
 * @example
 * ```ts
 * const keys = await listSigningKeys(database); // [{ kid, state: 'next', ... }, { kid, state: 'current', ... }]
 * ```
 */
export async function listSigningKeys(database: Database, now = new Date()): Promise<SigningKeyInfo[]> {
  const iso = now.toISOString();
  const rows = await typed(database.db)
    .selectFrom('ts_signing_keys')
    .select(['kid', 'activates_at', 'retires_at', 'expires_at'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', iso)]))
    .orderBy('activates_at', 'desc')
    .execute();
  return rows.map((r) => ({
    ...r,
    state: r.activates_at > iso ? 'next' : r.retires_at === null || r.retires_at > iso ? 'current' : 'retiring',
  }));
}

/**
 * Schedules a key rotation: a new key is published now and starts signing after `publishLeadMs`
 * (default 10 minutes); the current key stops signing then and stays published for the longest
 * access-token lifetime after that. Returns the new kid.
 *
 * @example
 * ```ts
 * const kid = await rotateSigningKey(database, secrets, { publishLeadMs: 600_000 });
 * ```
 */
export async function rotateSigningKey(
  database: Database,
  secrets: ServiceSecrets,
  options: { publishLeadMs?: number; now?: Date } = {},
): Promise<string> {
  const now = options.now ?? new Date();
  const activatesAt = new Date(now.getTime() + (options.publishLeadMs ?? 600_000));
  return addSigningKey(database, secrets, now, activatesAt);
}

async function addSigningKey(database: Database, secrets: ServiceSecrets, now: Date, activatesAt: Date): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  const kid = randomUUID();
  const base = { kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), ...base };
  const publicJwk = { ...(await exportJWK(publicKey)), ...base };
  const activates = activatesAt.toISOString();
  await database.transaction(async (raw) => {
    const trx = typed(raw);
    // Keys that would still sign after the new one activates retire at that moment, and stay
    // published until every token they signed has expired.
    await trx
      .updateTable('ts_signing_keys')
      .set({ retires_at: activates, expires_at: new Date(activatesAt.getTime() + MAX_ACCESS_TOKEN_TTL_S * 1000).toISOString() })
      .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', activates)]))
      .where('activates_at', '<', activates)
      .execute();
    await trx
      .insertInto('ts_signing_keys')
      .values({
        kid,
        alg: SIGNING_ALG,
        public_jwk: JSON.stringify(publicJwk),
        private_jwk_sealed: secrets.seal(JSON.stringify(privateJwk)),
        created_at: now.toISOString(),
        activates_at: activates,
        retires_at: null,
        expires_at: null,
      })
      .execute();
  });
  return kid;
}
