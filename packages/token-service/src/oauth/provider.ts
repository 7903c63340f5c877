// Must come before oidc-provider: it silences the Node 20 runtime notice printed at import.
import './quiet-runtime-notice.js';
import type { Database } from '@tokenwarden/store';
import type { JWK } from 'jose';
import { type Configuration, errors, type KoaContextWithOIDC, Provider } from 'oidc-provider';
import { findUser } from '../accounts/users.js';
import { type IssuedAccessTokenLog, recordIssuedAccessToken } from '../storage/issued-access-tokens.js';
import { createOidcAdapter, type ReuseHandler } from '../storage/oidc-adapter.js';
import type { WatermarkReader } from '../storage/revocation-watermark.js';
import { typed } from '../storage/schema.js';
import type { ServiceSecrets } from '../storage/sealing.js';
import { SIGNING_ALG, type SigningKeySet } from '../storage/signing-keys.js';
import { CLIENT_AUTHENTICATED_ROUTES, clientAuthenticationErrors } from './client-auth-errors.js';
import { constantTimeEqual } from './client-authenticator.js';
import { issuerHost, pinUrlsToIssuerOrigin } from './issuer-origin.js';
import { detectRefreshReuseFirst } from './refresh-reuse.js';
import type { TokenSettings } from './settings.js';

/** Everything the provider factory needs. */
export interface ProviderDeps {
  database: Database;
  secrets: ServiceSecrets;
  settings: TokenSettings;
  keys: SigningKeySet;
  onReuse: ReuseHandler;
  /** Revocation-log mark reader: enables the adapter's client-record cache. */
  marks?: WatermarkReader;
  /** Batched record of issued jtis; without it each token's record is written before the token is signed. */
  issuedTokens?: IssuedAccessTokenLog;
}

const OIDC_SCOPES = ['openid', 'offline_access'];

/**
 * RFC 6749 §5.2 `invalid_scope` when a client_credentials request names scopes and the client may hold
 * none of them. The provider would issue the intersection, here an access token with no scope at all,
 * which helps no one and hides a misconfigured or probing client; a partly allowed request still gets
 * the allowed part (RFC 6749 §3.3). Only this grant: a person's sign-in may ask for OIDC scopes such
 * as `profile` beside none of ours, and gets its login with no resource scope, as before.
 */
function refuseWhollyUnallowedScope(params: Record<string, unknown> | undefined, allowed: string): void {
  const requested = params?.scope;
  if (params?.grant_type !== 'client_credentials' || typeof requested !== 'string') return;
  const wanted = requested.split(' ').filter((s) => s.length > 0 && !OIDC_SCOPES.includes(s));
  if (wanted.length === 0) return;
  const may = new Set(allowed.split(' '));
  if (!wanted.some((s) => may.has(s))) throw new errors.InvalidScope('requested scope is not allowed for this client', wanted.join(' '));
}

const epoch = (): number => Math.floor(Date.now() / 1000);

/**
 * Builds the oidc-provider instance: authorization code + PKCE S256 only (no implicit, no password
 * grant), client_credentials, refresh rotation, revocation, introspection for confidential
 * clients, DPoP with server nonces and an atomic replay store, resource indicators with a default
 * audience and EdDSA-signed RFC 9068 JWT access tokens.
 *
 * @example
 * ```ts
 * const provider = buildProvider({ database, secrets, settings, keys, onReuse });
 * http.createServer(provider.callback());
 * ```
 */
export function buildProvider(deps: ProviderDeps): Provider {
  const { database, secrets, settings, keys } = deps;
  const audiences = new Set([settings.audience, ...settings.extraAudiences]);

  const configuration: Configuration = {
    adapter: createOidcAdapter({ database, secrets, onReuse: deps.onReuse, ...(deps.marks ? { marks: deps.marks } : {}) }),
    jwks: { keys: keys.privateJwks as Configuration['jwks'] extends { keys: infer K } | undefined ? K : never },
    cookies: { keys: [secrets.derive('cookies/v1').toString('base64url')] },
    async findAccount(_ctx, sub) {
      const user = await findUser(database, sub);
      if (user?.status !== 'active') return undefined;
      return { accountId: user.id, claims: async () => ({ sub: user.id, preferred_username: user.login }) };
    },
    extraClientMetadata: {
      properties: ['tw_scopes'],
      validator: (_ctx, key, value) => {
        if (key === 'tw_scopes' && value !== undefined && typeof value !== 'string') {
          throw new errors.InvalidClientMetadata('tw_scopes must be a space-separated string');
        }
      },
    },
    pkce: { required: () => true },
    responseTypes: ['code'],
    scopes: OIDC_SCOPES,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: [SIGNING_ALG],
      dPoPSigningAlgValues: ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'],
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: SIGNING_ALG,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The default page names the server by the request's Host header (and loads web fonts).
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html><title>Sign out</title><h1>Sign out of ${escapeHtml(issuerHost(settings.issuer))}?</h1>${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button> <button type="submit" form="op.logoutForm">No, stay signed in</button>`;
        },
      },
      clientCredentials: { enabled: true },
      userinfo: { enabled: false },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // RFC 7662 §4: the caller must authenticate. Public clients cannot, so they are refused
        // outright rather than answered with active=false.
        allowedPolicy: async (_ctx, client) => {
          if (client.clientAuthMethod === 'none') throw new errors.InvalidClient('public clients may not use introspection');
          return true;
        },
      },
      dPoP: {
        enabled: true,
        // Nonces only when they are required. With a nonce secret the provider also answers a proof
        // whose iat is outside its window with use_dpop_nonce (and hands out nonces unasked), which
        // RFC 9449 §8 reserves for a server that requires one; otherwise it is invalid_dpop_proof.
        ...(settings.dpopRequireNonce ? { nonceSecret: secrets.derive('dpop-nonce/v1') } : {}),
        requireNonce: () => settings.dpopRequireNonce,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? settings.audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resourceIndicator, client) => {
          if (!audiences.has(resourceIndicator)) throw new errors.InvalidTarget(`unknown resource ${resourceIndicator}`);
          // The resource scopes a client may hold live in tw_scopes (the provider's own `scope`
          // metadata only admits its static OIDC scopes); the token gets requested ∩ allowed.
          // Read off the client itself: metadata() builds a snake-cased copy of every property on
          // each call, a visible share of a token request. Extra metadata keeps its own key.
          const allowed = (client as unknown as { tw_scopes?: unknown }).tw_scopes;
          const scope = typeof allowed === 'string' ? allowed : '';
          refuseWhollyUnallowedScope(ctx.oidc.params, scope);
          return {
            scope,
            audience: resourceIndicator,
            accessTokenTTL: settings.accessTokenTtlS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: SIGNING_ALG, kid: keys.currentKid } },
          };
        },
      },
    },
    ttl: {
      AccessToken: settings.accessTokenTtlS,
      ClientCredentials: settings.accessTokenTtlS,
      AuthorizationCode: settings.authorizationCodeTtlS,
      IdToken: settings.accessTokenTtlS,
      Interaction: 600,
      Session: settings.sessionTtlS,
      Grant: settings.refreshAbsoluteTtlS,
      // Idle expiry per token, never past the family's absolute end (iiat = first issue time).
      RefreshToken: (_ctx, token) => {
        const familyStart = typeof token.iiat === 'number' ? token.iiat : epoch();
        const remaining = familyStart + settings.refreshAbsoluteTtlS - epoch();
        return Math.max(1, Math.min(settings.refreshIdleTtlS, remaining));
      },
    },
    // The grant id lets a resource server apply a family (grant) revocation to JWTs already out.
    extraTokenClaims: async (_ctx, token) => {
      const grantId = (token as { grantId?: string }).grantId;
      return grantId ? { tw_gid: grantId } : undefined;
    },
    // Runs for every JWT access token before it is signed: its jti goes on record, so `revoke <jti>` finds it,
    // while a made-up id stays unknown. Batched (deps.issuedTokens) when the service supplies the log.
    formats: {
      customizers: {
        jwt: async (_ctx, token) => {
          const t = token as { jti?: string; exp?: number; clientId?: string; accountId?: string; grantId?: string };
          if (typeof t.jti !== 'string') return;
          const issued = {
            jti: t.jti,
            expiresAt: typeof t.exp === 'number' ? t.exp : epoch() + settings.accessTokenTtlS,
            ...(typeof t.clientId === 'string' ? { clientId: t.clientId } : {}),
            ...(typeof t.accountId === 'string' ? { accountId: t.accountId } : {}),
            ...(typeof t.grantId === 'string' ? { grantId: t.grantId } : {}),
          };
          if (deps.issuedTokens) deps.issuedTokens.record(issued);
          else await recordIssuedAccessToken(typed(database.db), issued);
        },
      },
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    // On the issuer's origin like every other URL we emit (see pinUrlsToIssuerOrigin), never the request's Host.
    interactions: { url: async (_ctx, interaction) => `${new URL(settings.issuer).origin}/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      // A client, not a browser, calls these: RFC 6749 §5.2 errors are JSON whatever Accept says.
      if (CLIENT_AUTHENTICATED_ROUTES.has(ctx.oidc?.route ?? '')) {
        ctx.body = out;
        return;
      }
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>error</title><h1>${escapeHtml(String(out.error))}</h1><p>${escapeHtml(String(out.error_description ?? ''))}</p>`;
    },
  };

  const provider = new Provider(settings.issuer, configuration);
  pinUrlsToIssuerOrigin(provider, settings.issuer);
  provider.use(clientAuthenticationErrors(settings.issuer));
  hardenProvider(provider, deps);
  detectRefreshReuseFirst(provider);
  return provider;
}

/**
 * Replaces the two places where oidc-provider's defaults fall short of our storage rules:
 * client secrets are compared against their keyed hash (the store never holds them), and DPoP
 * proof replay detection is one atomic INSERT instead of find-then-save.
 *
 * A replayed proof is refused here with `invalid_dpop_proof` (RFC 9449 §11.1): the provider would
 * answer `invalid_grant` at the token endpoint, which tells the client its code or refresh token
 * is bad when only the proof is. The store serves DPoP proofs only: the other JWTs the provider
 * checks for replay (client assertions, attestations) belong to client authentication methods
 * we do not enable.
 */
function hardenProvider(provider: Provider, deps: ProviderDeps): void {
  const { secrets, database } = deps;
  const clientPrototype = provider.Client.prototype as unknown as { clientSecret?: string; compareClientSecret(actual: string): boolean };
  clientPrototype.compareClientSecret = function compareHashedSecret(this: { clientSecret?: string }, actual: string): boolean {
    if (typeof actual !== 'string' || !this.clientSecret) return false;
    return constantTimeEqual(this.clientSecret, `khash:${secrets.hash(actual)}`);
  };

  const replay = provider.ReplayDetection as unknown as { unique(iss: string, jti: string, exp: number): Promise<boolean> };
  replay.unique = async (iss, jti, exp) => {
    const db = typed(database.db);
    const now = epoch();
    const result = await db
      .insertInto('ts_replay')
      .values({ id_hash: secrets.hash(`dpop:${iss}:${jti}`), expires_at: exp })
      .onConflict((oc) => oc.column('id_hash').doNothing())
      .executeTakeFirst();
    // Opportunistic sweep keeps the table at about one proof window of rows.
    if (Math.random() < 0.01) await db.deleteFrom('ts_replay').where('expires_at', '<', now).execute();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new errors.InvalidDpopProof('DPoP proof JWT replay detected');
    return true;
  };
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b>'); // "&lt;b&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The request-scoped oidc-provider context type, re-exported for event handlers. */
export type OidcContext = KoaContextWithOIDC;

/** Public JWKs as published (re-exported type). */
export type PublicJwk = JWK;
