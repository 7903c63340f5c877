/**
 * Column types of the core tables, as Kysely sees them. Every column is a portable type: text
 * (ids, ISO-8601 UTC times, JSON), integers (0/1 booleans, counters) or real numbers.
 */
type Text = string;
type Maybe<T> = T | null;

/** `principals` table. */
export interface PrincipalTable {
  id: Text;
  kind: Text;
  name: Text;
  status: Text;
  created_at: Text;
  owner_id: Maybe<Text>;
  created_by_credential_id: Maybe<Text>;
  source_system: Text;
  metadata: Maybe<Text>;
}

/** `credentials` table. */
export interface CredentialTable {
  id: Text;
  kind: Text;
  status: Text;
  principal_id: Maybe<Text>;
  client_id: Maybe<Text>;
  grant_id: Maybe<Text>;
  scopes: Text;
  audience: Text;
  created_at: Text;
  expires_at: Maybe<Text>;
  revoked_at: Maybe<Text>;
  revoked_reason: Maybe<Text>;
  last_used_at: Maybe<Text>;
  last_used_ip: Maybe<Text>;
  cidr_allowlist: Maybe<Text>;
  secret_hash: Maybe<Text>;
  display_prefix: Maybe<Text>;
  canary: number;
  created_by_credential_id: Maybe<Text>;
  source_system: Text;
  external_id: Maybe<Text>;
  metadata: Maybe<Text>;
}

/** `access_events` table. */
export interface AccessEventTable {
  id: Text;
  time: Text;
  credential_id: Maybe<Text>;
  credential_kind: Maybe<Text>;
  principal: Maybe<Text>;
  source_ip: Maybe<Text>;
  user_agent: Maybe<Text>;
  tls_fingerprint: Maybe<Text>;
  device_id: Maybe<Text>;
  operation: Maybe<Text>;
  method: Maybe<Text>;
  path: Maybe<Text>;
  resource: Maybe<Text>;
  outcome: Text;
  status: Maybe<number>;
  bytes_in: Maybe<number>;
  bytes_out: Maybe<number>;
  request_id: Maybe<Text>;
  interactive: Maybe<number>;
  error_code: Maybe<Text>;
  source_system: Text;
  origin: Maybe<Text>;
  attributes: Maybe<Text>;
}

/** `lifecycle_events` table. */
export interface LifecycleEventTable {
  id: Text;
  time: Text;
  type: Text;
  credential_id: Maybe<Text>;
  credential_kind: Maybe<Text>;
  principal: Maybe<Text>;
  client_id: Maybe<Text>;
  grant_id: Maybe<Text>;
  parent_credential_id: Maybe<Text>;
  source_ip: Maybe<Text>;
  user_agent: Maybe<Text>;
  request_id: Maybe<Text>;
  reason: Maybe<Text>;
  source_system: Text;
  details: Maybe<Text>;
}

/** `alerts` table. */
export interface AlertTable {
  id: Text;
  time: Text;
  credential: Text;
  principal: Maybe<Text>;
  rule: Text;
  severity: Text;
  score: number;
  stage: Text;
  summary: Text;
  evidence: Text;
  event_ids: Maybe<Text>;
  detected_at: Maybe<Text>;
  incident_id: Maybe<Text>;
}

/** `incidents` table. */
export interface IncidentTable {
  id: Text;
  credential_id: Text;
  principal: Maybe<Text>;
  status: Text;
  severity: Text;
  risk_score: number;
  stage: Text;
  opened_at: Text;
  updated_at: Text;
  first_event_at: Text;
  alert_ids: Text;
  related_credential_ids: Text;
  timeline: Text;
}

/** `audit_log` table: append-only, hash-chained (UPDATE and DELETE are refused by triggers). */
export interface AuditLogTable {
  seq: number;
  id: Text;
  time: Text;
  actor: Text;
  action: Text;
  target: Maybe<Text>;
  reason: Maybe<Text>;
  source_ip: Maybe<Text>;
  details: Text;
  prev_hash: Text;
  hash: Text;
}

/** `audit_anchor` table: one row (`id = 'head'`) holding the last appended seq and hash. */
export interface AuditAnchorTable {
  id: Text;
  seq: number;
  hash: Text;
  updated_at: Text;
}

/** Every core table, for `Kysely<StoreTables>`. */
export interface StoreTables {
  principals: PrincipalTable;
  credentials: CredentialTable;
  access_events: AccessEventTable;
  lifecycle_events: LifecycleEventTable;
  alerts: AlertTable;
  incidents: IncidentTable;
  audit_log: AuditLogTable;
  audit_anchor: AuditAnchorTable;
  control_orders: ControlOrderTable;
}

/** `control_orders` table: block/unblock orders for every gateway, in `seq` order. */
export interface ControlOrderTable {
  seq: number;
  id: Text;
  time: Text;
  order_json: Text;
}
