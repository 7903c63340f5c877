import Type from 'typebox';
import { Timestamp } from './common.js';

/** Who acts: a person, a machine identity, or an OAuth client. */
export const PrincipalKind = Type.Union([Type.Literal('user'), Type.Literal('service_account'), Type.Literal('oauth_client')]);
export type PrincipalKind = Type.Static<typeof PrincipalKind>;

/** Principal status; `suspended` is reversible. */
export const PrincipalStatus = Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('deleted')]);
export type PrincipalStatus = Type.Static<typeof PrincipalStatus>;

/** A user, service account or OAuth client. */
export const Principal = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    kind: PrincipalKind,
    name: Type.String({ minLength: 1, description: 'login name, service-account name or client name' }),
    status: PrincipalStatus,
    created_at: Timestamp,
    owner_id: Type.Optional(Type.String({ description: 'owning principal (service accounts)' })),
    created_by_credential_id: Type.Optional(Type.String({ description: 'lineage: the credential that created it' })),
    source_system: Type.String(),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Principal', additionalProperties: false, title: 'Principal' },
);
export type Principal = Type.Static<typeof Principal>;
