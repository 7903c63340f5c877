import type { JWK } from 'jose';

/**
 * A stored API key or service-account token as the gateway sees it (mirrors the token service's
 * `KeyRecord`). Never carries the secret, only what enforcement needs.
 */
export interface KeyRecord {
  id: string;
  kind: 'api_key' | 'service_account_token';
  subject: string;
  scopes: string[];
  audience: string[];
  expires_at?: string;
  not_before?: string;
  cidr_allowlist?: string[];
  canary: boolean;
  status: 'active' | 'revoked' | 'suspended' | 'expired' | 'rotated';
}

/** What a revocation entry targets: one token (`jti`), one key, a grant, everything of a subject or a client. */
export type RevocationKind = 'jti' | 'key' | 'grant' | 'subject' | 'client';

/** One entry of the token service's revocation log, ordered by `seq`. */
export interface RevocationEntry {
  seq: number;
  kind: RevocationKind;
  value: string;
  /** When it was revoked; for grant/subject/client entries, tokens issued before this instant are dead. */
  revoked_at: string;
  /** After this instant the entry is moot (everything it covered has expired) and may be forgotten. */
  expires_at?: string;
}

/** An RFC 7662 introspection answer. */
export interface IntrospectionResult {
  active: boolean;
  [claim: string]: unknown;
}

/**
 * Everything the gateway needs from whoever issues credentials. It mirrors the token service's
 * `ResourceServerView`, so the real adapter is a thin wrapper, and tests can use a fake that issues
 * real EdDSA JWTs and `tw_` keys.
 *
 * @example
 * ```ts
 * const source: CredentialSource = fromResourceServerView(tokenService.view);
 * const record = await source.findKey('tw_k_...'); // already checksum-checked by the gateway
 * ```
 */
export interface CredentialSource {
  readonly issuer: string;
  readonly defaultAudience: string;
  /** The issuer's current public signing keys. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Looks up a checksum-valid `tw_k_`/`tw_s_` value by its keyed hash. */
  findKey(raw: string): Promise<KeyRecord | undefined>;
  /** RFC 7662 introspection of an opaque (or any) token. */
  introspect(token: string): Promise<IntrospectionResult>;
  /** Revocations with a sequence number greater than `seq`, in order. */
  revocationsSince(seq: number): Promise<RevocationEntry[]>;
  /** Records that a key was used (last-used time and address); best effort. */
  recordKeyUse(keyId: string, at: Date, ip: string): Promise<void>;
}
