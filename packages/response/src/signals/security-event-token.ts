import { randomUUID } from 'node:crypto';
import { type CryptoKey, type KeyObject, SignJWT } from 'jose';

/** Event type URIs we transmit (CAEP 1.0 and RISC 1.0). */
export const SET_EVENT_TYPES = {
  sessionRevoked: 'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  credentialChange: 'https://schemas.openid.net/secevent/caep/event-type/credential-change',
  credentialCompromise: 'https://schemas.openid.net/secevent/risc/event-type/credential-compromise',
} as const;

/** A SET event type URI we transmit. */
export type SetEventType = (typeof SET_EVENT_TYPES)[keyof typeof SET_EVENT_TYPES];

/**
 * A subject identifier (RFC 9493). `opaque` for our credential ids, `email` or `iss_sub` for
 * users, `complex` to name a user and a session together.
 */
export type SubjectIdentifier =
  | { format: 'opaque'; id: string }
  | { format: 'email'; email: string }
  | { format: 'iss_sub'; iss: string; sub: string }
  | { format: 'complex'; user?: SubjectIdentifier; session?: SubjectIdentifier };

/** What happened, in CAEP/RISC terms. */
export type SecurityEvent =
  | {
      type: 'session-revoked';
      subject: SubjectIdentifier;
      time: Date;
      reason?: string;
      initiating_entity?: 'admin' | 'user' | 'policy' | 'system';
    }
  | {
      type: 'credential-change';
      subject: SubjectIdentifier;
      time: Date;
      credential_type: string;
      change_type: 'create' | 'revoke' | 'update' | 'delete';
      friendly_name?: string;
      reason?: string;
      initiating_entity?: 'admin' | 'user' | 'policy' | 'system';
    }
  | { type: 'credential-compromise'; subject: SubjectIdentifier; time: Date; credential_type: string; reason?: string };

/** Signing material of the transmitter. */
export interface SetSigner {
  issuer: string;
  key: CryptoKey | KeyObject;
  kid: string;
  alg: 'ES256' | 'EdDSA' | 'RS256';
}

/**
 * Builds and signs a Security Event Token (RFC 8417; `typ: secevent+jwt`) carrying one event,
 * with the subject in the SSF `sub_id` claim (and, for receivers of earlier drafts, inside the
 * event as `subject`).
 *
 * @example
 * ```ts
 * const set = await buildSecurityEventToken(signer, 'https://receiver.example', {
 *   type: 'session-revoked', subject: { format: 'email', email: 'ana@example.com' }, time: new Date(),
 * });
 * ```
 */
export async function buildSecurityEventToken(
  signer: SetSigner,
  audience: string,
  event: SecurityEvent,
  txn?: string,
): Promise<{ jti: string; token: string }> {
  const eventTimestamp = Math.floor(event.time.getTime() / 1000);
  const reason = 'reason' in event && event.reason ? { reason_admin: { en: event.reason } } : {};
  let uri: SetEventType;
  let body: Record<string, unknown>;
  switch (event.type) {
    case 'session-revoked':
      uri = SET_EVENT_TYPES.sessionRevoked;
      body = { event_timestamp: eventTimestamp, initiating_entity: event.initiating_entity ?? 'policy', ...reason };
      break;
    case 'credential-change':
      uri = SET_EVENT_TYPES.credentialChange;
      body = {
        event_timestamp: eventTimestamp,
        credential_type: event.credential_type,
        change_type: event.change_type,
        initiating_entity: event.initiating_entity ?? 'policy',
        ...(event.friendly_name ? { friendly_name: event.friendly_name } : {}),
        ...reason,
      };
      break;
    case 'credential-compromise':
      uri = SET_EVENT_TYPES.credentialCompromise;
      body = { event_timestamp: eventTimestamp, credential_type: event.credential_type, ...reason };
      break;
  }
  const jti = randomUUID();
  const token = await new SignJWT({
    sub_id: event.subject,
    events: { [uri]: { subject: event.subject, ...body } },
    ...(txn ? { txn } : {}),
  })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'secevent+jwt' })
    .setIssuer(signer.issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setJti(jti)
    .sign(signer.key);
  return { jti, token };
}
