import type {
  AccessEvent,
  Alert,
  AuditEntry,
  AuditInput,
  ControlOrder,
  Credential,
  Incident,
  IncidentStatus,
  Principal,
} from '@tokenwarden/core';

/**
 * What response needs from storage. The store's repositories (`createRepositories`) satisfy
 * these structurally; tests can pass in-memory fakes.
 */
export interface ResponseStores {
  incidents: {
    upsert(incident: Incident): Promise<void>;
    get(id: string): Promise<Incident | undefined>;
    list(filter: { status?: IncidentStatus; credential_id?: string; limit?: number }): Promise<Incident[]>;
    findOpenByCredential(credentialId: string): Promise<Incident | undefined>;
    /** The unresolved incident listing `credentialId` among its related credentials, an open one first. */
    findUnresolvedRelating(credentialId: string): Promise<Incident | undefined>;
  };
  alerts: {
    insert(alert: Alert): Promise<boolean>;
    list(filter: { credential?: string; incident_id?: string; since?: string; limit?: number }): Promise<Alert[]>;
    setIncident(alertId: string, incidentId: string): Promise<unknown>;
  };
  accessEvents: {
    query(filter: { credential_id?: string; principal?: string; since?: string; until?: string; limit?: number }): Promise<AccessEvent[]>;
  };
  audit: { append(input: AuditInput): Promise<AuditEntry>; list(filter: { after_seq?: number; limit?: number }): Promise<AuditEntry[]> };
}

/** Lineage: what a credential created, and who created it. */
export interface LineageView {
  /** Everything created by `credentialId`, transitively. */
  createdBy(credentialId: string): Promise<{ credentials: Credential[]; principals: Principal[] }>;
  /** The credential that created `credentialId`, if any. */
  parentOf(credentialId: string): Promise<string | undefined>;
  /** The subject (user login or service account) a credential belongs to. */
  subjectOf(credentialId: string): Promise<string | undefined>;
  /**
   * Whether `subject` is a user who signs in, with sessions to end (an API key's subject is often
   * just a name). Absent: every subject is taken for one.
   */
  signsIn?(subject: string): Promise<boolean>;
}

/** The token service's admin actions response uses (implemented over `TokenService.admin`). */
export interface TokenAdmin extends LineageView {
  revoke(idOrToken: string, ctx: ActionContext): Promise<{ revoked: string[] }>;
  signOut(subject: string, ctx: ActionContext & { includeApiKeys: boolean }): Promise<{ revoked: number }>;
  suspend(credentialOrPrincipalId: string, ctx: ActionContext): Promise<boolean>;
  reinstate(credentialOrPrincipalId: string, ctx: ActionContext): Promise<boolean>;
  /**
   * Mints a successor to a service-account token (undefined when `credentialId` is not one); the
   * old token keeps working until `old_valid_until` unless it is also blocked or revoked.
   */
  rotateServiceAccount(
    credentialId: string,
    ctx: ActionContext,
  ): Promise<{ new_credential_id: string; old_valid_until: string; service_account_id?: string } | undefined>;
}

/** Sends block/unblock orders to every gateway (over the bus `control` topic). */
export interface GatewayControl {
  send(order: ControlOrder): Promise<void>;
}

/** Who does an action and why. */
export interface ActionContext {
  actor: string;
  reason: string;
}
