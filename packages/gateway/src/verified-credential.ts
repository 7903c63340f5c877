import type { IpSet } from './ip-set.js';

/** How a credential was verified. */
export type VerifiedKind = 'jwt' | 'api_key' | 'service_account_token' | 'opaque';

/**
 * A credential that passed signature / lookup / introspection. Times are epoch milliseconds.
 * Never holds the secret.
 */
export interface VerifiedCredential {
  kind: VerifiedKind;
  /** `jti` for tokens, key id for API keys and service-account tokens. */
  id: string;
  subject: string;
  clientId?: string;
  grantId?: string;
  scopes: readonly string[];
  audience: readonly string[];
  expiresAt?: number;
  notBefore?: number;
  issuedAt?: number;
  /** RFC 9449 `cnf.jkt`: the token is bound to this DPoP key. */
  jkt?: string;
  /** API keys only: the addresses the key may be used from. */
  cidrAllowlist?: IpSet;
  canary: boolean;
}

/** Why a credential was refused: internal detail for events and logs, never sent to the client. */
export type VerificationFailure =
  | 'malformed'
  | 'checksum'
  | 'unknown'
  | 'signature'
  | 'expired'
  | 'not_yet_valid'
  /** A signed JWT missing a claim RFC 9068 requires, or with one of the wrong type. */
  | 'invalid_claims'
  | 'inactive'
  | 'wrong_type'
  | 'algorithm'
  | 'unavailable';

/** The result of verifying a presented secret. */
export type VerificationResult =
  | { ok: true; credential: VerifiedCredential }
  | {
      ok: false;
      failure: VerificationFailure;
      /**
       * Whose credential failed, when that is known for certain: a key found in the store by the
       * hash of the whole secret but no longer active, or a JWT whose signature verified but that
       * expired. Lets detection see a dead credential still being presented. Never set from
       * unverified claims, which anyone can write.
       */
      known?: { credential: VerifiedCredential; status: 'revoked' | 'suspended' | 'expired' | 'rotated' };
    };
