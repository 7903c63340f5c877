import type { Credential, CredentialKind, CredentialStatus, Principal, PrincipalStatus } from '@tokenwarden/core';
import type { ActionContext, TokenAdmin } from '@tokenwarden/response';
import type { AccessEventRepository } from '@tokenwarden/store';
import type { AdminApi, LineageEntry } from '@tokenwarden/token-service';

const CREDENTIAL_KIND: Partial<Record<LineageEntry['entity_kind'], CredentialKind>> = {
  api_key: 'api_key',
  canary: 'api_key',
  service_account_token: 'service_account_token',
  grant: 'refresh_token',
  access_token: 'access_token',
};

const CREDENTIAL_STATUSES = new Set<string>(['active', 'revoked', 'expired', 'suspended', 'rotated'] satisfies CredentialStatus[]);
const PRINCIPAL_STATUSES = new Set<string>(['active', 'suspended', 'deleted'] satisfies PrincipalStatus[]);

/** A lineage entry's state as a credential status; one the token service keeps none for is taken as active. */
function credentialStatus(status: string | undefined): CredentialStatus {
  return status !== undefined && CREDENTIAL_STATUSES.has(status) ? (status as CredentialStatus) : 'active';
}

function principalStatus(status: string | undefined): PrincipalStatus {
  return status !== undefined && PRINCIPAL_STATUSES.has(status) ? (status as PrincipalStatus) : 'active';
}

/**
 * Response's view of the token service: its admin API for actions, its lineage for "what did
 * this credential create", and the stored access events for "whose credential is this".
 *
 * @example
 * ```ts
 * const tokens = tokenAdminAdapter(service.admin, repos.accessEvents);
 * await new Responder({ tokens, ... }).act(...);
 * ```
 */
export function tokenAdminAdapter(admin: AdminApi, accessEvents: Pick<AccessEventRepository, 'query'>): TokenAdmin {
  return {
    async revoke(idOrToken: string, ctx: ActionContext) {
      const r = await admin.revoke(idOrToken, ctx);
      return { revoked: [r.id] };
    },
    async signOut(subject: string, ctx: ActionContext & { includeApiKeys: boolean }) {
      const r = await admin.signOut(subject, { actor: ctx.actor, reason: ctx.reason, includeApiKeys: ctx.includeApiKeys });
      return { revoked: r.grants_revoked + r.keys_revoked };
    },
    suspend: (id, ctx) => admin.suspend(id, ctx),
    reinstate: (id, ctx) => admin.reinstate(id, ctx),
    async rotateServiceAccount(credentialId: string) {
      // Only a service-account token (`sat_`) names an account to rotate; anything else is not one.
      if (!credentialId.startsWith('sat_')) return undefined;
      const rotated = await admin.rotateServiceAccount(credentialId);
      const old = rotated.superseded?.find((s) => s.id === credentialId);
      return {
        new_credential_id: rotated.id,
        service_account_id: rotated.service_account_id,
        old_valid_until: old?.valid_until ?? new Date().toISOString(),
      };
    },
    async createdBy(credentialId: string) {
      const entries = await admin.lineage(credentialId);
      const credentials: Credential[] = [];
      const principals: Principal[] = [];
      for (const e of entries) {
        const kind = CREDENTIAL_KIND[e.entity_kind];
        if (kind) {
          credentials.push({
            id: e.entity_id,
            kind,
            status: credentialStatus(e.status),
            scopes: [],
            audience: [],
            created_at: e.created_at,
            canary: e.entity_kind === 'canary',
            source_system: 'token-service',
            ...(e.created_by_credential_id ? { created_by_credential_id: e.created_by_credential_id } : {}),
          });
        } else {
          principals.push({
            id: e.entity_id,
            kind: e.entity_kind === 'client' ? 'oauth_client' : e.entity_kind === 'service_account' ? 'service_account' : 'user',
            name: e.name ?? e.entity_id,
            status: principalStatus(e.status),
            created_at: e.created_at,
            source_system: 'token-service',
            ...(e.created_by_credential_id ? { created_by_credential_id: e.created_by_credential_id } : {}),
          });
        }
      }
      return { credentials, principals };
    },
    signsIn: async (subject: string) => (await admin.findUser(subject)) !== undefined,
    // An alert on a key the attacker minted joins the incident of the key that minted it.
    parentOf: (credentialId: string) => admin.creatorOf(credentialId),
    async subjectOf(credentialId: string) {
      const [first] = await accessEvents.query({ credential_id: credentialId, limit: 1 });
      return first?.principal;
    },
  };
}
