import { timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Adapter } from 'oidc-provider';
import type { WatermarkReader } from '../storage/revocation-watermark.js';
import type { ServiceSecrets } from '../storage/sealing.js';

/** Outcome of authenticating a client: its id, or why it failed (kept out of responses). */
export type ClientAuthResult = { ok: true; clientId: string } | { ok: false; detail: string };

/** Authenticates confidential clients by client id and presented secret. */
export interface ClientAuthenticator {
  /** `secret` undefined means the caller presented none (a public client, method `none`). */
  authenticate(clientId: string, secret: string | undefined): Promise<ClientAuthResult>;
}

interface CachedClient {
  method: string;
  /** `khash:<HMAC(pepper, secret)>`, as stored. */
  secretHash: string | undefined;
  secretExpiresAt: number | undefined;
}

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post']);

/**
 * Compares two strings in time independent of where they differ.
 *
 * @example
 * ```ts
 * constantTimeEqual(stored, `khash:${secrets.hash(presented)}`);
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Client authentication with the same rules as the provider's (registered method must match,
 * secret compared as a keyed hash, expired secrets refused), over a cache of client records.
 *
 * Why a cache, and why it is safe: reading a client costs a store read, an AES-GCM unseal and a
 * JSON parse per request. Clients are never edited in place; they are created, or revoked (the
 * row is deleted and a `client` entry appended to the revocation log). So a cached record stays
 * true exactly while the revocation log has not moved: every call gets the log's high-water mark
 * first (one check shared by concurrent requests, see `createWatermarkReader`) and drops the whole
 * cache when it changed, which makes a revocation by any process effective at the next request. The presented secret is still hashed
 * and compared on every call; nothing is cached for unknown clients or failed attempts.
 *
 * @example
 * ```ts
 * const auth = createClientAuthenticator({ marks: createWatermarkReader(typed(database.db)), secrets, clientAdapter });
 * const r = await auth.authenticate('cl_01H...', presentedSecret);
 * ```
 */
export function createClientAuthenticator(deps: {
  marks: WatermarkReader;
  secrets: ServiceSecrets;
  clientAdapter: Adapter;
}): ClientAuthenticator {
  const cache = new LRUCache<string, CachedClient>({ max: 10_000 });
  let watermark = -1;

  const load = async (clientId: string): Promise<CachedClient | undefined> => {
    const hit = cache.get(clientId);
    if (hit) return hit;
    const metadata = await deps.clientAdapter.find(clientId);
    if (!metadata) return undefined;
    const entry: CachedClient = {
      method: typeof metadata.token_endpoint_auth_method === 'string' ? metadata.token_endpoint_auth_method : 'client_secret_basic',
      secretHash: typeof metadata.client_secret === 'string' ? metadata.client_secret : undefined,
      secretExpiresAt: typeof metadata.client_secret_expires_at === 'number' ? metadata.client_secret_expires_at : undefined,
    };
    cache.set(clientId, entry);
    return entry;
  };

  return {
    async authenticate(clientId, secret) {
      // Read the mark before the client: a revocation committed in between moves the mark, so
      // the next call drops whatever this one cached.
      const mark = await deps.marks.read();
      if (mark !== watermark) {
        cache.clear();
        watermark = mark;
      }
      const client = await load(clientId);
      if (!client) return { ok: false, detail: 'client not found' };
      if (secret === undefined) {
        return { ok: false, detail: client.method === 'none' ? 'public clients may not use introspection' : 'no client secret presented' };
      }
      if (!SECRET_METHODS.has(client.method)) {
        return { ok: false, detail: 'the provided authentication mechanism does not match the registered client authentication method' };
      }
      if (client.secretExpiresAt && client.secretExpiresAt < Math.floor(Date.now() / 1000)) {
        return { ok: false, detail: 'the client secret is expired' };
      }
      if (!client.secretHash || !constantTimeEqual(client.secretHash, `khash:${deps.secrets.hash(secret)}`)) {
        return { ok: false, detail: 'invalid secret provided' };
      }
      return { ok: true, clientId };
    },
  };
}
