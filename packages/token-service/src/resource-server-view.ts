import { createHash } from 'node:crypto';
import type { Database } from '@tokenwarden/store';
import type { JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Provider } from 'oidc-provider';
import { findKeyByValue, recordKeyUse } from './credentials/api-keys.js';
import { type CanaryHit, findCanary } from './credentials/canaries.js';
import type { KeyRecord } from './credentials/key-record.js';
import { withDefaultAudience } from './credentials/key-record.js';
import type { EventSink } from './events.js';
import { opaqueTokenId } from './oauth/provider-events.js';
import { type RevocationEntry, revocationsSince } from './storage/revocation-log.js';
import type { WatermarkReader } from './storage/revocation-watermark.js';
import { typed } from './storage/schema.js';
import type { ServiceSecrets } from './storage/sealing.js';
import { type AccessTokenClaims, type AccessTokenVerifier, createAccessTokenVerifier } from './verify/access-token.js';

/** RFC 7662 introspection response. */
export interface IntrospectionResult {
  active: boolean;
  [claim: string]: unknown;
}

/** What a resource server (the gateway) needs from the token service. */
export interface ResourceServerView {
  readonly issuer: string;
  readonly defaultAudience: string;
  /** Public verification keys, including pre-published and rotated-out keys still valid. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Looks up a `tw_k_`/`tw_s_` value by keyed hash (canaries included, `canary: true`). */
  findKey(raw: string): Promise<KeyRecord | undefined>;
  /**
   * RFC 7662 semantics for keys, refresh tokens and our JWT access tokens. A canary answers
   * inactive and is reported as used `via` the given endpoint (default `introspection`).
   */
  introspect(token: string, options?: { via?: string }): Promise<IntrospectionResult>;
  /** Revocation log entries after `seq`, in order (fan-out and resync). */
  revocationsSince(seq: number): Promise<RevocationEntry[]>;
  recordKeyUse(keyId: string, at: Date, ip: string): Promise<void>;
  /** True when verified access-token claims are revoked by jti, grant, client or subject sign-out. */
  isAccessTokenRevoked(claims: AccessTokenClaims): Promise<boolean>;
  /** Reports use of a canary (from any part that recognised one) as a critical event. */
  reportCanaryUse(value: string, context: Record<string, unknown>): Promise<boolean>;
  /**
   * The canary `value` is, without reporting it: for a caller that reports the use itself with
   * its own request context (the gateway). Undefined when it is not a canary.
   */
  findCanary(value: string): Promise<CanaryHit | undefined>;
}

/**
 * RFC 7662 `token_type` of one of our JWT access tokens: how it must be presented (RFC 6749 §7.1),
 * `DPoP` when it is bound to a key (RFC 9449 §6.2), so a resource server keying on it asks for the
 * proof; `Bearer` otherwise.
 */
const accessTokenType = (claims: AccessTokenClaims): 'DPoP' | 'Bearer' => (claims.cnf?.jkt ? 'DPoP' : 'Bearer');

/** Internals the view is built from. */
export interface ViewDeps {
  database: Database;
  secrets: ServiceSecrets;
  events: EventSink;
  issuer: string;
  audience: string;
  audiences: string[];
  publicJwks: () => JWK[];
  provider: () => Provider;
  /** The revocation log's high-water mark (validates the verified-token cache). */
  marks: WatermarkReader;
}

/**
 * Builds the {@link ResourceServerView}. Everything is read from the shared store on each call
 * (verified access tokens are cached only while the revocation log has not moved), so
 * revocations made by `tokenwarden revoke` in another process are seen at once.
 *
 * @example
 * ```ts
 * const view = createResourceServerView(deps);
 * const record = await view.findKey(presented);
 * ```
 */
export function createResourceServerView(deps: ViewDeps): ResourceServerView {
  const db = deps.database.db;
  let verifier: { version: JWK[]; verifier: AccessTokenVerifier } | undefined;
  // Verified, unrevoked access tokens, by SHA-256 of the token. An entry is used only before the
  // token's exp, while the revocation log's high-water mark is the one read before the entry was
  // computed, and while the key set is the same: a revocation by any process (a new log entry) or
  // a key change empties it, so a revoked token reads inactive at the next call.
  const verified = new LRUCache<string, { claims: AccessTokenClaims; expMs: number }>({ max: 50_000 });
  let verifiedMark = -1;
  const currentVerifier = (): AccessTokenVerifier => {
    const jwks = deps.publicJwks();
    if (verifier?.version !== jwks) {
      verified.clear();
      verifier = {
        version: jwks,
        verifier: createAccessTokenVerifier({ issuer: deps.issuer, audience: deps.audiences, jwks: { keys: jwks } }),
      };
    }
    return verifier.verifier;
  };

  const view: ResourceServerView = {
    issuer: deps.issuer,
    defaultAudience: deps.audience,
    async jwks() {
      return { keys: deps.publicJwks() };
    },
    async findKey(raw) {
      const record = await findKeyByValue(db, deps.secrets, raw);
      return record && withDefaultAudience(record, deps.audience);
    },
    revocationsSince: (seq) => revocationsSince(typed(db), seq),
    recordKeyUse: (keyId, at, ip) => recordKeyUse(db, keyId, at, ip),

    async isAccessTokenRevoked(claims) {
      const t = typed(db);
      const rows = await t
        .selectFrom('ts_revocations')
        .select(['kind', 'revoked_at'])
        .where((eb) =>
          eb.or([
            eb.and([eb('kind', '=', 'jti'), eb('value', '=', claims.jti)]),
            eb.and([eb('kind', '=', 'client'), eb('value', '=', claims.client_id)]),
            eb.and([eb('kind', '=', 'subject'), eb('value', '=', claims.sub)]),
            ...(claims.tw_gid ? [eb.and([eb('kind', '=', 'grant'), eb('value', '=', claims.tw_gid)])] : []),
          ]),
        )
        .execute();
      return rows.some((r) => r.kind !== 'subject' || Date.parse(r.revoked_at) >= claims.iat * 1000);
    },

    findCanary: (value) => findCanary(db, deps.secrets, value),

    async reportCanaryUse(value, context) {
      const hit = await findCanary(db, deps.secrets, value);
      if (!hit) return false;
      deps.events.emit('canary.used', {
        credential_id: hit.id,
        reason: `canary ${hit.label} was used`,
        details: { severity: 'critical', canary_kind: hit.kind, label: hit.label, ...context },
      });
      return true;
    },

    async introspect(token, options) {
      const via = options?.via ?? 'introspection';
      if (typeof token !== 'string' || token.length === 0 || token.length > 8192) return { active: false };
      if (token.startsWith('tw_')) {
        const record = await view.findKey(token);
        if (!record) return { active: false };
        if (record.canary) {
          await view.reportCanaryUse(token, { via });
          return { active: false };
        }
        if (record.status !== 'active') return { active: false };
        return {
          active: true,
          token_type: record.kind,
          sub: record.subject,
          scope: record.scopes.join(' '),
          aud: record.audience,
          iss: deps.issuer,
          ...(record.expires_at ? { exp: Math.floor(Date.parse(record.expires_at) / 1000) } : {}),
          key_id: record.id,
        };
      }
      if (token.split('.').length === 3) {
        const tokenVerifier = currentVerifier();
        const mark = await deps.marks.read();
        if (mark !== verifiedMark) {
          verified.clear();
          verifiedMark = mark;
        }
        const cacheKey = createHash('sha256').update(token).digest('base64url');
        const hit = verified.get(cacheKey);
        if (hit && hit.expMs > Date.now()) return { active: true, token_type: accessTokenType(hit.claims), ...hit.claims };
        let claims: AccessTokenClaims;
        try {
          // Introspection reports the binding (cnf) rather than demanding a proof.
          claims = await tokenVerifier.verify(token, undefined, { allowUnproven: true });
        } catch {
          await view.reportCanaryUse(token, { via });
          return { active: false };
        }
        if (await view.isAccessTokenRevoked(claims)) return { active: false };
        // Only when nothing moved while we checked (the mark was read before the revocation check).
        if (verifiedMark === mark && tokenVerifier === verifier?.verifier) {
          verified.set(cacheKey, { claims, expMs: claims.exp * 1000 });
        }
        return { active: true, token_type: accessTokenType(claims), ...claims };
      }
      const refresh = await deps.provider().RefreshToken.find(token);
      if (refresh && !refresh.consumed && !refresh.isExpired) {
        return {
          active: true,
          token_type: 'refresh_token',
          sub: refresh.accountId,
          client_id: refresh.clientId,
          scope: refresh.scope,
          exp: refresh.exp,
          iat: refresh.iat,
          iss: deps.issuer,
          refresh_token_id: opaqueTokenId(deps.secrets, 'RefreshToken', token),
          ...(refresh.jkt ? { cnf: { jkt: refresh.jkt } } : {}),
        };
      }
      await view.reportCanaryUse(token, { via });
      return { active: false };
    },
  };
  return view;
}
