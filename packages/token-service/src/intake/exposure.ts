import { isErrorCode, parseTwToken, sha256Hex } from '@tokenwarden/core';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Provider } from 'oidc-provider';
import type { AdminApi } from '../admin.js';
import type { EventSink } from '../events.js';
import type { ResourceServerView } from '../resource-server-view.js';
import type { ReportedToken } from './report.js';
import type { VerifiedSender } from './signature.js';

/**
 * GitHub's partner-feedback label.
 *
 * @example
 * ```ts
 * const label: ExposureLabel = ours ? 'true_positive' : 'false_positive';
 * ```
 */
export type ExposureLabel = 'true_positive' | 'false_positive';

/**
 * What the intake did with a reported token of ours.
 *
 * @example
 * ```ts
 * if (report.action === 'revoked') page(report.subject);
 * ```
 */
export type ExposureAction = 'revoked' | 'already_inactive' | 'canary';

/**
 * A reported exposure of one of our tokens, as given to `notify` (never the token itself).
 *
 * @example
 * ```ts
 * const notify = (r: ExposureReport) => console.log(`${r.credential_id} leaked at ${r.url}: ${r.action}`);
 * ```
 */
export interface ExposureReport {
  /** SHA-256 hex of the raw token (GitHub's `token_hash`). */
  token_hash: string;
  token_type: string;
  url: string;
  source: string;
  action: ExposureAction;
  credential_id?: string;
  credential_kind?: 'api_key' | 'service_account_token' | 'refresh_token' | 'access_token';
  subject?: string;
  sender: VerifiedSender;
}

/**
 * The verdict on one reported token.
 *
 * @example
 * ```ts
 * const { label, token_hash } = await exposures.handle(item, sender);
 * ```
 */
export interface ExposureVerdict {
  label: ExposureLabel;
  /** SHA-256 hex of the reported token. */
  token_hash: string;
  report?: ExposureReport;
  /** False when the same token was already reported at the same URL (no new event or notification). */
  fresh: boolean;
}

/**
 * What the exposure handler needs from the token service.
 *
 * @example
 * ```ts
 * const deps: ExposureDeps = { admin, view, events, issuer: settings.issuer, provider: () => provider };
 * ```
 */
export interface ExposureDeps {
  admin: AdminApi;
  view: ResourceServerView;
  events: EventSink;
  issuer: string;
  /** The current oidc-provider (refresh tokens are looked up in its store). */
  provider: () => Provider;
  /**
   * Finds a canary by its raw value without reporting a use. Needed for canary JWTs (signed by a
   * throw-away key) and canary refresh tokens (absent from the provider's store), which the other
   * lookups cannot tell from foreign values; without it those are labelled `false_positive`.
   */
  findCanary?: (value: string) => Promise<{ id: string; kind: string; label: string } | undefined>;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// oidc-provider opaque tokens (refresh tokens) are base64url random strings.
const OPAQUE_SHAPE = /^[A-Za-z0-9_-]{20,512}$/;

type Lookup =
  | { ours: false }
  | {
      ours: true;
      live: boolean;
      canary?: boolean;
      credential_id?: string;
      credential_kind: NonNullable<ExposureReport['credential_kind']>;
      subject?: string;
    };

/**
 * Decides, for each reported token, whether it is ours, revokes it when live, and records the
 * exposure (`token.exposed` lifecycle event, `credential.exposed` audit entry, `notify`).
 *
 * Idempotent: reports of one token are handled one at a time, a token already revoked is not
 * revoked again, and a token reported again at the same URL raises no second event. Tokens
 * found earlier stay `true_positive` even after revocation deleted their refresh family.
 *
 * @example
 * ```ts
 * const handler = createExposureHandler({ admin, view, events, issuer });
 * const verdict = await handler.handle(item, { scheme: 'hmac-sha256' });
 * ```
 */
export function createExposureHandler(deps: ExposureDeps, notify?: (report: ExposureReport) => void | Promise<void>) {
  const inFlight = new Map<string, Promise<unknown>>();
  // Hashes of tokens known to be ours (kept after revocation) and of (token, url) pairs reported.
  const knownOurs = new LRUCache<string, Lookup & { ours: true }>({ max: 50_000 });
  const seenExposures = new LRUCache<string, true>({ max: 50_000, ttl: 7 * 86_400_000 });

  async function lookup(token: string, hash: string): Promise<Lookup> {
    const tw = parseTwToken(token);
    if (tw) {
      const record = await deps.view.findKey(token);
      if (!record) return knownOurs.get(hash) ?? { ours: false };
      return {
        ours: true,
        live: record.status === 'active' || record.status === 'suspended',
        canary: record.canary,
        credential_id: record.id,
        credential_kind: record.kind,
        subject: record.subject,
      };
    }
    if (token.startsWith('tw_')) return { ours: false };
    if (JWT_SHAPE.test(token)) return lookupJwt(token, hash);
    if (OPAQUE_SHAPE.test(token)) {
      // Straight to the provider's store, not introspection: that would report a miss as canary use.
      const refresh = await deps.provider().RefreshToken.find(token, { ignoreExpiration: true });
      if (refresh?.grantId) {
        return {
          ours: true,
          live: !refresh.isExpired,
          credential_kind: 'refresh_token',
          ...(typeof refresh.accountId === 'string' ? { subject: refresh.accountId } : {}),
        };
      }
      return knownOurs.get(hash) ?? (await canaryLookup(token));
    }
    return { ours: false };
  }

  async function canaryLookup(token: string): Promise<Lookup> {
    const hit = await deps.findCanary?.(token);
    if (!hit || (hit.kind !== 'access_token' && hit.kind !== 'refresh_token')) return { ours: false };
    return { ours: true, live: true, canary: true, credential_id: hit.id, credential_kind: hit.kind, subject: hit.label };
  }

  async function lookupJwt(token: string, hash: string): Promise<Lookup> {
    let iat: number | undefined;
    try {
      iat = decodeJwt(token).iat;
    } catch {
      return { ours: false };
    }
    try {
      // Ours means signed by one of our keys for our issuer, whether expired or not.
      const { payload } = await jwtVerify(token, createLocalJWKSet(await deps.view.jwks()), {
        algorithms: ['EdDSA'],
        issuer: deps.issuer,
        currentDate: new Date(((iat ?? 0) + 1) * 1000),
      });
      const active = (await deps.view.introspect(token)).active;
      return {
        ours: true,
        live: active,
        credential_kind: 'access_token',
        ...(typeof payload.jti === 'string' ? { credential_id: payload.jti } : {}),
        ...(typeof payload.sub === 'string' ? { subject: payload.sub } : {}),
      };
    } catch {
      return knownOurs.get(hash) ?? (await canaryLookup(token));
    }
  }

  async function handleOne(item: ReportedToken, sender: VerifiedSender): Promise<ExposureVerdict> {
    const hash = sha256Hex(item.token);
    const found = await lookup(item.token, hash);
    if (!found.ours) return { label: 'false_positive', token_hash: hash, fresh: false };
    const actor = `intake:${actorSource(item.source)}`;
    const reason = `exposed publicly at ${printable(item.url)} (reported by secret scanning, ${printable(item.source)})`;
    let action: ExposureAction = found.canary ? 'canary' : found.live ? 'revoked' : 'already_inactive';
    let credentialId = found.credential_id;
    // Canaries are bait meant to be found: their use is what matters, so they stay live.
    if (action === 'revoked') {
      try {
        const result = await deps.admin.revoke(item.token, { actor, reason });
        credentialId = credentialId ?? result.id;
      } catch (e) {
        // Revoked between lookup and now (another process): the exposure still stands.
        if (!isErrorCode(e, 'TW_NOT_FOUND')) throw e;
        action = 'already_inactive';
      }
    }
    const known = { ...found, live: false, ...(credentialId === undefined ? {} : { credential_id: credentialId }) };
    knownOurs.set(hash, known);
    const report: ExposureReport = {
      token_hash: hash,
      token_type: item.type,
      url: item.url,
      source: item.source,
      action,
      credential_kind: found.credential_kind,
      ...(credentialId === undefined ? {} : { credential_id: credentialId }),
      ...(found.subject === undefined ? {} : { subject: found.subject }),
      sender,
    };
    const exposureKey = `${hash} ${item.url}`;
    const fresh = !seenExposures.has(exposureKey);
    if (fresh) {
      seenExposures.set(exposureKey, true);
      record(report, actor, reason);
      if (notify) await safeNotify(notify, report);
    }
    return { label: 'true_positive', token_hash: hash, report, fresh };
  }

  function record(report: ExposureReport, actor: string, reason: string): void {
    const details = {
      url: report.url,
      source: report.source,
      reported_type: report.token_type,
      action: report.action,
      token_hash: report.token_hash,
      sender: report.sender.scheme === 'github-ecdsa' ? `github-ecdsa:${report.sender.keyIdentifier}` : report.sender.scheme,
    };
    deps.events.emit('token.exposed', {
      ...(report.credential_id === undefined ? {} : { credential_id: report.credential_id }),
      ...(report.credential_kind === undefined ? {} : { credential_kind: report.credential_kind }),
      ...(report.subject === undefined ? {} : { principal: report.subject }),
      reason,
      details,
    });
    deps.events.audit({
      actor,
      action: 'credential.exposed',
      ...(report.credential_id === undefined ? {} : { target: report.credential_id }),
      reason,
      details,
    });
  }

  return {
    /** Handles one reported token; reports of the same token are serialised. */
    async handle(item: ReportedToken, sender: VerifiedSender): Promise<ExposureVerdict> {
      const hash = sha256Hex(item.token);
      const previous = inFlight.get(hash) ?? Promise.resolve();
      const next = previous.catch(() => {}).then(() => handleOne(item, sender));
      inFlight.set(hash, next);
      try {
        return await next;
      } finally {
        if (inFlight.get(hash) === next) inFlight.delete(hash);
      }
    },
  };
}

/**
 * The handler built by {@link createExposureHandler}.
 *
 * @example
 * ```ts
 * const exposures: ExposureHandler = createExposureHandler(deps);
 * ```
 */
export type ExposureHandler = ReturnType<typeof createExposureHandler>;

async function safeNotify(notify: (report: ExposureReport) => void | Promise<void>, report: ExposureReport): Promise<void> {
  try {
    await notify(report);
  } catch (e) {
    process.stderr.write(`token-service: intake notify callback failed: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

/** `source` becomes part of an actor name: keep it to a short, safe word. */
function actorSource(source: string): string {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(source) ? source : 'unknown';
}

/** Strips control characters so a URL cannot forge lines in logs or the audit trail. */
function printable(url: string): string {
  return url.replace(/[\u0000-\u001f\u007f]/g, '');
}
