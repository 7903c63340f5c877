import Type from 'typebox';
import { Timestamp } from './common.js';

/** What an auditable action needs: who, what, when, from where, and why. */
export const AuditInput = Type.Object(
  {
    actor: Type.String({ minLength: 1, description: 'who: a user, a service, or "policy:<name>" for automation' }),
    action: Type.String({ minLength: 1, description: 'what, dotted: credential.revoke, incident.contain, ...' }),
    target: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({ description: 'why' })),
    source_ip: Type.Optional(Type.String({ description: 'from where' })),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type AuditInput = Type.Static<typeof AuditInput>;

/**
 * A row of the append-only, hash-chained audit log. `hash` = SHA-256 over the canonical form
 * of every other field including `prev_hash`, so editing or deleting any row breaks the chain.
 */
export const AuditEntry = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    id: Type.String(),
    time: Timestamp,
    actor: Type.String(),
    action: Type.String(),
    target: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    source_ip: Type.Optional(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown()),
    prev_hash: Type.String(),
    hash: Type.String(),
  },
  { $id: 'AuditEntry', additionalProperties: false, title: 'AuditEntry' },
);
export type AuditEntry = Type.Static<typeof AuditEntry>;
