import Type from 'typebox';
import { SourceSystem, Timestamp } from './common.js';
import { CredentialKind } from './credential.js';

/** Token lifecycle and credential security event types. */
export const LifecycleEventType = Type.Union([
  Type.Literal('token.issued'),
  Type.Literal('token.refreshed'),
  Type.Literal('token.rotated'),
  Type.Literal('refresh_token.reuse_detected'),
  Type.Literal('token.revoked'),
  Type.Literal('token.expired'),
  Type.Literal('token.suspended'),
  Type.Literal('token.reinstated'),
  Type.Literal('token.exposed'),
  Type.Literal('token.revoked_use'),
  Type.Literal('dpop.failure'),
  Type.Literal('client_auth.failure'),
  Type.Literal('canary.used'),
  Type.Literal('subject.signed_out'),
  Type.Literal('key.checksum_failure'),
]);
export type LifecycleEventType = Type.Static<typeof LifecycleEventType>;

/** Every lifecycle event type, for validation and documentation. */
export const LIFECYCLE_EVENT_TYPES: readonly LifecycleEventType[] = [
  'token.issued',
  'token.refreshed',
  'token.rotated',
  'refresh_token.reuse_detected',
  'token.revoked',
  'token.expired',
  'token.suspended',
  'token.reinstated',
  'token.exposed',
  'token.revoked_use',
  'dpop.failure',
  'client_auth.failure',
  'canary.used',
  'subject.signed_out',
  'key.checksum_failure',
];

/** A token lifecycle or credential security event, with the request context it happened in. */
export const LifecycleEvent = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    time: Timestamp,
    type: LifecycleEventType,
    credential_id: Type.Optional(Type.String()),
    credential_kind: Type.Optional(CredentialKind),
    principal: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    grant_id: Type.Optional(Type.String()),
    parent_credential_id: Type.Optional(Type.String({ description: 'predecessor (rotation) or creator (lineage)' })),
    source_ip: Type.Optional(Type.String()),
    user_agent: Type.Optional(Type.String()),
    request_id: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    source_system: SourceSystem,
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'LifecycleEvent', additionalProperties: false, title: 'LifecycleEvent' },
);
export type LifecycleEvent = Type.Static<typeof LifecycleEvent>;
