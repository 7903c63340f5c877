import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
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
import type { ActionContext, GatewayControl, ResponseStores, TokenAdmin } from '@tokenwarden/response';
import { responseMigrations } from '@tokenwarden/response';
import { type Database, openDatabase } from '@tokenwarden/store';

let seq = 0;

/** In-memory stores with the repository shapes response relies on. */
export function memoryStores(
  events: AccessEvent[] = [],
): ResponseStores & { incidentMap: Map<string, Incident>; alertMap: Map<string, Alert & { incident?: string }>; auditRows: AuditEntry[] } {
  const incidentMap = new Map<string, Incident>();
  const alertMap = new Map<string, Alert & { incident?: string }>();
  const auditRows: AuditEntry[] = [];
  return {
    incidentMap,
    alertMap,
    auditRows,
    incidents: {
      async upsert(i) {
        incidentMap.set(i.id, structuredClone(i));
      },
      async get(id) {
        const i = incidentMap.get(id);
        return i ? structuredClone(i) : undefined;
      },
      async list(f: { status?: IncidentStatus; credential_id?: string }) {
        return [...incidentMap.values()].filter(
          (i) => (!f.status || i.status === f.status) && (!f.credential_id || i.credential_id === f.credential_id),
        );
      },
      async findOpenByCredential(c) {
        return [...incidentMap.values()].find((i) => i.credential_id === c && (i.status === 'open' || i.status === 'contained'));
      },
      async findUnresolvedRelating(c) {
        const related = [...incidentMap.values()].filter((i) => i.related_credential_ids.includes(c));
        const found = related.find((i) => i.status === 'open') ?? related.find((i) => i.status === 'contained');
        return found ? structuredClone(found) : undefined;
      },
    },
    alerts: {
      async insert(a) {
        if (alertMap.has(a.id)) return false;
        alertMap.set(a.id, { ...a });
        return true;
      },
      async list(f: { credential?: string; incident_id?: string }) {
        return [...alertMap.values()].filter(
          (a) => (!f.credential || a.credential === f.credential) && (!f.incident_id || a.incident === f.incident_id),
        );
      },
      async setIncident(id, inc) {
        const a = alertMap.get(id);
        if (a) a.incident = inc;
      },
    },
    accessEvents: {
      async query(f: { credential_id?: string; since?: string; until?: string }) {
        return events.filter(
          (e) =>
            (!f.credential_id || e.credential_id === f.credential_id) && (!f.since || e.time >= f.since) && (!f.until || e.time < f.until),
        );
      },
    },
    audit: {
      async append(input: AuditInput) {
        const entry: AuditEntry = {
          seq: ++seq,
          id: `aud_${seq}`,
          time: new Date().toISOString(),
          details: {},
          prev_hash: '',
          hash: '',
          ...input,
        } as AuditEntry;
        auditRows.push(entry);
        return entry;
      },
      async list() {
        return [...auditRows];
      },
    },
  };
}

/** A token admin that records what it was asked to do. */
export function recordingTokens(
  lineage: { credentials: Credential[]; principals: Principal[] } = { credentials: [], principals: [] },
  subject = 'alice',
) {
  const calls: string[] = [];
  const admin: TokenAdmin = {
    async revoke(id: string, _ctx: ActionContext) {
      calls.push(`revoke ${id}`);
      return { revoked: [id] };
    },
    async signOut(s: string) {
      calls.push(`signout ${s}`);
      return { revoked: 3 };
    },
    async suspend(id: string) {
      calls.push(`suspend ${id}`);
      return true;
    },
    async reinstate(id: string) {
      calls.push(`reinstate ${id}`);
      return true;
    },
    async rotateServiceAccount(id: string) {
      calls.push(`rotate ${id}`);
      return { new_credential_id: `${id}-2`, old_valid_until: new Date().toISOString() };
    },
    async createdBy() {
      return lineage;
    },
    async parentOf(id: string) {
      return lineage.credentials.some((c) => c.id === id) ? 'key_stolen' : undefined;
    },
    async subjectOf() {
      return subject;
    },
  };
  return { admin, calls };
}

/** A gateway control that records orders. */
export function recordingGateway(): GatewayControl & { orders: ControlOrder[] } {
  const orders: ControlOrder[] = [];
  return {
    orders,
    async send(o) {
      orders.push(o);
    },
  };
}

/** A minimal access event. */
export function ev(partial: Partial<AccessEvent> & { id: string; time: string }): AccessEvent {
  return { outcome: 'success', source_system: 'gateway', ...partial };
}

/** A minimal alert. */
export function alert(partial: Partial<Alert> & { id: string; time: string; credential: string }): Alert {
  return { rule: 'new_place', severity: 'high', score: 60, stage: 'discovery', summary: 'test', evidence: {}, ...partial };
}

/**
 * A SQLite store with response's tables for the enclosing `describe`: opened before its tests, closed and removed
 * after them. Call it inside the `describe`; the returned function gives the open store.
 *
 * @example
 * ```ts
 * const database = responseDatabase('tw-contain-');
 * it('…', () => new ActionLog(database()));
 * ```
 */
export function responseDatabase(prefix: string): () => Database {
  let dir = '';
  let database: Database | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: responseMigrations });
  });
  after(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!database) throw new Error('responseDatabase() is open only inside the tests of its describe');
    return database;
  };
}
