import type {
  AccessEvent,
  Alert,
  AuditEntry,
  AuditInput,
  ControlOrder,
  Credential,
  CredentialStatus,
  Incident,
  IncidentStatus,
  LifecycleEvent,
  LifecycleEventType,
  Principal,
  PrincipalKind,
  PrincipalStatus,
} from '@tokenwarden/core';

/** Rows returned by a list or query when no `limit` is given. */
export const DEFAULT_LIMIT = 1000;

/**
 * Users, service accounts and OAuth clients.
 *
 * @example
 * ```ts
 * await repos.principals.upsert({ id: 'usr_1', kind: 'user', name: 'alice', status: 'active', created_at, source_system: 'okta' });
 * ```
 */
export interface PrincipalRepository {
  /** Inserts or replaces the principal with this id. */
  upsert(principal: Principal): Promise<void>;
  get(id: string): Promise<Principal | undefined>;
  /** The oldest principal of this kind with this name. */
  findByName(kind: PrincipalKind, name: string): Promise<Principal | undefined>;
  /** Principals created by this credential (lineage), oldest first. */
  listCreatedBy(credentialId: string): Promise<Principal[]>;
  /** Sets the status; false when no such principal exists. */
  setStatus(id: string, status: PrincipalStatus): Promise<boolean>;
}

/** When and from where a credential was last used. */
export interface CredentialUse {
  last_used_at: string;
  last_used_ip?: string;
}

/**
 * Credentials of every kind, by id; never a raw secret (only `secret_hash`).
 *
 * @example
 * ```ts
 * const credential = await repos.credentials.findBySecretHash(keyedHash(pepper, presented));
 * ```
 */
export interface CredentialRepository {
  /** Inserts or replaces the credential with this id. */
  upsert(credential: Credential): Promise<void>;
  get(id: string): Promise<Credential | undefined>;
  findBySecretHash(secretHash: string): Promise<Credential | undefined>;
  /** Credentials of a principal, oldest first. */
  listByPrincipal(principalId: string): Promise<Credential[]>;
  /** Direct children in the lineage: credentials created with this credential, oldest first. */
  listCreatedBy(credentialId: string): Promise<Credential[]>;
  /**
   * Sets the status; `revoked` also records `revoked_at` (first revocation wins) and the reason.
   * Returns false when no such credential exists. Revocation is final: moving a revoked
   * credential to another status throws `TW_CONFLICT`.
   */
  setStatus(id: string, status: CredentialStatus, reason?: string): Promise<boolean>;
  /** Records a use; an older `last_used_at` than the stored one is ignored. False when nothing changed. */
  touch(id: string, use: CredentialUse): Promise<boolean>;
}

/** Filter of {@link AccessEventRepository.query}. Times are inclusive `since`, exclusive `until`. */
export interface AccessEventFilter {
  credential_id?: string;
  principal?: string;
  since?: string;
  until?: string;
  /** Keyset paging: only events after this event in (time, id) order. */
  after_id?: string;
  /** At most this many events (default {@link DEFAULT_LIMIT}). */
  limit?: number;
}

/**
 * Access events from every source. Inserts are idempotent by event id, so a replayed bus
 * message or a re-read log file stores nothing twice.
 *
 * @example
 * ```ts
 * const page = await repos.accessEvents.query({ credential_id: 'cred_1', since: '2026-01-01T00:00:00.000Z', limit: 500 });
 * ```
 */
export interface AccessEventRepository {
  /** Stores events whose id is new; returns how many were inserted. */
  insertMany(events: readonly AccessEvent[]): Promise<number>;
  /** Matching events ordered by time, then id. */
  query(filter?: AccessEventFilter): Promise<AccessEvent[]>;
  /** How many events match (ignores `limit`). */
  count(filter?: Omit<AccessEventFilter, 'limit'>): Promise<number>;
}

/** Filter of {@link LifecycleEventRepository.query}. */
export interface LifecycleEventFilter {
  credential_id?: string;
  type?: LifecycleEventType;
  /** Inclusive lower bound on `time`. */
  since?: string;
  limit?: number;
}

/**
 * Token lifecycle events, idempotent by id.
 *
 * @example
 * ```ts
 * const reuse = await repos.lifecycleEvents.query({ type: 'refresh_token.reuse_detected', since });
 * ```
 */
export interface LifecycleEventRepository {
  /** Stores events whose id is new; returns how many were inserted. */
  insertMany(events: readonly LifecycleEvent[]): Promise<number>;
  /** Matching events ordered by time, then id. */
  query(filter?: LifecycleEventFilter): Promise<LifecycleEvent[]>;
}

/** Filter of {@link AlertRepository.list}. */
export interface AlertFilter {
  credential?: string;
  incident_id?: string;
  /** Inclusive lower bound on `time`. */
  since?: string;
  limit?: number;
}

/**
 * Alerts raised by detection.
 *
 * @example
 * ```ts
 * if (await repos.alerts.insert(alert)) await bus.publish('alerts', alert);
 * ```
 */
export interface AlertRepository {
  /** Stores the alert; false when an alert with this id already exists (nothing changes). */
  insert(alert: Alert): Promise<boolean>;
  get(id: string): Promise<Alert | undefined>;
  /** Matching alerts ordered by time, then id. */
  list(filter?: AlertFilter): Promise<Alert[]>;
  /** Links an alert to an incident; false when no such alert exists. */
  setIncident(alertId: string, incidentId: string): Promise<boolean>;
}

/** Filter of {@link IncidentRepository.list}. */
export interface IncidentFilter {
  status?: IncidentStatus;
  credential_id?: string;
  limit?: number;
}

/**
 * Incidents: alerts of one credential and the credentials it created.
 *
 * @example
 * ```ts
 * const incident = (await repos.incidents.findOpenByCredential('cred_1')) ?? newIncident(alert);
 * ```
 */
export interface IncidentRepository {
  /** Inserts or replaces the incident with this id. */
  upsert(incident: Incident): Promise<void>;
  get(id: string): Promise<Incident | undefined>;
  /** Matching incidents, most recently opened first. */
  list(filter?: IncidentFilter): Promise<Incident[]>;
  /** The most recently opened unresolved (`open` or `contained`) incident of this credential. */
  findOpenByCredential(credentialId: string): Promise<Incident | undefined>;
  /**
   * The unresolved incident that lists `credentialId` among its related credentials (what the attacker made):
   * an open one before a contained one, each the most recently opened.
   */
  findUnresolvedRelating(credentialId: string): Promise<Incident | undefined>;
}

/** One problem {@link AuditLog.verify} found. */
export interface AuditProblem {
  /** The entry where the problem shows (for a deleted range: the first missing seq). */
  seq: number;
  kind: 'modified' | 'deleted' | 'inserted' | 'reordered' | 'broken_link';
  detail: string;
}

/** Outcome of {@link AuditLog.verify}. */
export interface AuditVerifyResult {
  /** True when the chain is intact and matches the anchor. */
  ok: boolean;
  /** Entries read. */
  checked: number;
  /** Hash of the last entry, for recording outside the store. */
  head_hash?: string;
  /** Seq of the last entry. */
  head_seq?: number;
  problems: AuditProblem[];
}

/** An externally recorded head (`seq` and `hash`) that {@link AuditLog.verify} must still find. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
}

/** Filter of {@link AuditLog.list}. */
export interface AuditListFilter {
  /** Only entries with a larger seq. */
  after_seq?: number;
  limit?: number;
  /** `asc` (default) gives the oldest entries first; `desc` the newest first. */
  order?: 'asc' | 'desc';
}

/**
 * The append-only, hash-chained audit log of security-relevant actions.
 *
 * @example
 * ```ts
 * await repos.audit.append({ actor: 'policy:auto-revoke', action: 'credential.revoke', target: 'cred_1', reason: 'reuse detected' });
 * const { ok, problems } = await repos.audit.verify();
 * ```
 */
export interface AuditLog {
  /** Appends an entry (seq, id, time and hashes assigned here) and returns it. */
  append(input: AuditInput): Promise<AuditEntry>;
  /** Entries in seq order (see {@link AuditListFilter.order}). */
  list(filter?: AuditListFilter): Promise<AuditEntry[]>;
  /** Re-computes the whole chain; `checkpoints` are heads recorded elsewhere that must still match. */
  verify(options?: { checkpoints?: readonly AuditCheckpoint[] }): Promise<AuditVerifyResult>;
}

/**
 * Every core repository over one open database.
 *
 * @example
 * ```ts
 * const repos = createRepositories(database);
 * await repos.accessEvents.insertMany(events);
 * ```
 */
export interface Repositories {
  principals: PrincipalRepository;
  credentials: CredentialRepository;
  accessEvents: AccessEventRepository;
  lifecycleEvents: LifecycleEventRepository;
  alerts: AlertRepository;
  incidents: IncidentRepository;
  audit: AuditLog;
  controlOrders: ControlOrderLog;
}

/**
 * Block and unblock orders for every gateway sharing the store. Gateways poll `since(seq)` (the
 * embedded default has no servers to push through); production also broadcasts them on NATS.
 *
 * @example
 * ```ts
 * await repos.controlOrders.append(order);
 * const fresh = await repos.controlOrders.since(lastSeq);
 * ```
 */
export interface ControlOrderLog {
  /** Appends an order (idempotent by order id) and returns its sequence number. */
  append(order: ControlOrder): Promise<number>;
  /** Orders with `seq` greater than the given one, oldest first. */
  since(seq: number, limit?: number): Promise<{ seq: number; order: ControlOrder }[]>;
}
