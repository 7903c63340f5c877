import { newId, randomSecret, TokenWardenError } from '@tokenwarden/core';
import type { Database } from '@tokenwarden/store';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { recordLineage } from '../storage/lineage.js';
import { typed } from '../storage/schema.js';
import type { ServiceSecrets } from '../storage/sealing.js';

/** Grant-type sets a client may be created with. */
export type ClientGrantSet = 'authorization_code,refresh_token' | 'authorization_code' | 'client_credentials';

/** Input of {@link createClient}. */
export interface CreateClientInput {
  name: string;
  grantTypes?: string[];
  redirectUris?: string[];
  public?: boolean;
  /** Require DPoP-bound tokens (always on for public clients). */
  dpop?: boolean;
  scopes?: string[];
  createdByCredentialId?: string;
}

/** Hosts plain-http redirect URIs may name (URL.hostname keeps IPv6 in brackets). */
const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** A created client; `client_secret` is present only for confidential clients, shown once. */
export interface CreatedClient {
  client_id: string;
  client_secret?: string;
}

const ALLOWED_GRANTS = new Set(['authorization_code', 'refresh_token', 'client_credentials']);

/**
 * Registers an OAuth client. Confidential clients get a 256-bit secret, returned once and stored
 * only as a keyed hash; public clients (`--public`) get none, must use PKCE and DPoP.
 *
 * @example
 * ```ts
 * const { client_id, client_secret } = await createClient(database, secrets, adapterFor, {
 *   name: 'billing-worker', grantTypes: ['client_credentials'], scopes: ['invoices:read'],
 * });
 * ```
 */
export async function createClient(
  database: Database,
  secrets: ServiceSecrets,
  clientAdapter: Adapter,
  input: CreateClientInput,
): Promise<CreatedClient> {
  const grantTypes = input.grantTypes && input.grantTypes.length > 0 ? input.grantTypes : ['authorization_code', 'refresh_token'];
  for (const g of grantTypes) {
    if (!ALLOWED_GRANTS.has(g)) {
      throw new TokenWardenError('TW_USAGE', `unsupported grant type ${g}`, {
        hint: 'use authorization_code,refresh_token or client_credentials (implicit and password grants are not offered)',
      });
    }
  }
  const usesCode = grantTypes.includes('authorization_code');
  if (grantTypes.includes('refresh_token') && !usesCode) {
    throw new TokenWardenError('TW_USAGE', 'refresh_token needs authorization_code', {
      hint: 'use --grant authorization_code,refresh_token',
    });
  }
  if (input.public && grantTypes.includes('client_credentials')) {
    throw new TokenWardenError('TW_USAGE', 'a public client cannot use client_credentials', { hint: 'drop --public' });
  }
  const redirectUris = input.redirectUris ?? [];
  if (usesCode && redirectUris.length === 0) {
    throw new TokenWardenError('TW_USAGE', 'a client using authorization_code needs a redirect URI', { hint: 'pass --redirect-uri URI' });
  }
  for (const uri of redirectUris) {
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      throw new TokenWardenError('TW_USAGE', 'redirect URI is not an absolute URL', { hint: 'e.g. https://app.example.com/callback' });
    }
    if (parsed.hash) throw new TokenWardenError('TW_USAGE', 'redirect URI must not have a fragment', { hint: 'remove the #...' });
    // The provider takes web URIs only (a javascript: or data: URI registered fine and then failed
    // every sign-in), and RFC 9700 §2.6 / OAuth 2.1 keep plain http to the loopback interface.
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
      throw new TokenWardenError('TW_USAGE', `redirect URI ${uri} must use https (plain http only to 127.0.0.1, [::1] or localhost)`, {
        hint: 'e.g. https://app.example.com/callback or http://127.0.0.1:8400/callback',
      });
    }
  }
  if (!input.name || input.name.length > 200) throw new TokenWardenError('TW_USAGE', 'client name must be 1-200 characters', {});
  const scopes = [...new Set(input.scopes ?? [])];
  if (scopes.some((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    throw new TokenWardenError('TW_USAGE', 'scope names must be printable ASCII without quotes or backslashes', {});
  }
  const oidcScopes = usesCode ? ['openid', ...(grantTypes.includes('refresh_token') ? ['offline_access'] : [])] : [];
  const resourceScopes = scopes.filter((s) => s !== 'openid' && s !== 'offline_access');

  const clientId = newId('cl');
  const secret = input.public ? undefined : randomSecret(256);
  const metadata: AdapterPayload = {
    client_id: clientId,
    client_name: input.name,
    grant_types: grantTypes,
    response_types: usesCode ? ['code'] : [],
    redirect_uris: redirectUris,
    token_endpoint_auth_method: input.public ? 'none' : 'client_secret_basic',
    ...(oidcScopes.length > 0 ? { scope: oidcScopes.join(' ') } : {}),
    tw_scopes: resourceScopes.join(' '),
    dpop_bound_access_tokens: Boolean(input.public || input.dpop),
    // The provider compares presented secrets against this keyed hash (see hardenProvider).
    ...(secret ? { client_secret: `khash:${secrets.hash(secret)}` } : {}),
  };
  await clientAdapter.upsert(clientId, metadata, 0);
  await database.transaction((trx) =>
    recordLineage(typed(trx), { entityId: clientId, entityKind: 'client', createdBy: input.createdByCredentialId }),
  );
  return secret ? { client_id: clientId, client_secret: secret } : { client_id: clientId };
}
