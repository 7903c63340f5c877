import Type from 'typebox';
import { RecordOrigin, SourceSystem, Timestamp } from './common.js';
import { CredentialKind } from './credential.js';

/** Outcome of an access. */
export const Outcome = Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('unknown')]);
export type Outcome = Type.Static<typeof Outcome>;

/**
 * One API access, in one schema for every source: our gateway, CloudTrail, OCSF, Okta, nginx.
 * This is also the "native" JSON-lines log format. It never carries a secret: only the
 * credential id.
 */
export const AccessEvent = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'event id; consumers are idempotent on it' }),
    time: Timestamp,
    credential_id: Type.Optional(Type.String({ description: 'credential id, never the secret' })),
    credential_kind: Type.Optional(CredentialKind),
    principal: Type.Optional(Type.String()),
    source_ip: Type.Optional(Type.String()),
    user_agent: Type.Optional(Type.String()),
    tls_fingerprint: Type.Optional(Type.String({ description: 'JA3/JA4 or device fingerprint when known' })),
    device_id: Type.Optional(Type.String()),
    operation: Type.Optional(Type.String({ description: 'API operation, e.g. iam:CreateAccessKey' })),
    method: Type.Optional(Type.String()),
    path: Type.Optional(Type.String()),
    resource: Type.Optional(Type.String()),
    outcome: Outcome,
    status: Type.Optional(Type.Integer()),
    bytes_in: Type.Optional(Type.Integer({ minimum: 0 })),
    bytes_out: Type.Optional(Type.Integer({ minimum: 0 })),
    request_id: Type.Optional(Type.String()),
    interactive: Type.Optional(Type.Boolean({ description: 'true when a person drove the request (console, browser)' })),
    error_code: Type.Optional(Type.String()),
    source_system: SourceSystem,
    origin: Type.Optional(RecordOrigin),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'AccessEvent', additionalProperties: false, title: 'AccessEvent' },
);
export type AccessEvent = Type.Static<typeof AccessEvent>;
