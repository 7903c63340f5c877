import type { Alert, Incident, IncidentStatus, Severity } from '@tokenwarden/core';
import { ATTACK_STAGES, NotFoundError, newId, SEVERITIES } from '@tokenwarden/core';
import type { LineageView, ResponseStores } from '../ports.js';

/** Called when an analyst marks an incident a false positive: the profile learns from it. */
export type FalsePositiveFeedback = (incident: Incident, alerts: Alert[]) => void | Promise<void>;

function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/**
 * Groups alerts into incidents: the alerts of one credential, and of the credentials it created
 * (found through lineage), form one incident with a timeline, the furthest attack-chain stage,
 * a risk score and a status. Incidents are persisted through the store.
 *
 * @example
 * ```ts
 * const incidents = new IncidentManager(repos, lineage);
 * const incident = await incidents.ingest(alert);
 * ```
 */
export class IncidentManager {
  constructor(
    // With `audit`, every status change an analyst makes is recorded there too (who, what, why).
    private readonly stores: Pick<ResponseStores, 'incidents' | 'alerts'> & Partial<Pick<ResponseStores, 'audit'>>,
    private readonly lineage?: Pick<LineageView, 'parentOf'>,
    private readonly feedback?: FalsePositiveFeedback,
  ) {}

  /** Finds the credential whose incident should hold alerts of `credential`: its oldest ancestor with an open incident. */
  private async rootIncident(credential: string): Promise<Incident | undefined> {
    let current: string | undefined = credential;
    const seen = new Set<string>();
    let found: Incident | undefined;
    while (current && !seen.has(current) && seen.size < 32) {
      seen.add(current);
      // A credential the attacker created belongs to the incident that lists it, even once contained: a minted key
      // keeps being tried after containment, and its alerts belong to the incident that suspended it.
      const open =
        (await this.stores.incidents.findOpenByCredential(current)) ?? (await this.stores.incidents.findUnresolvedRelating(current));
      if (open) found = open;
      current = this.lineage ? await this.lineage.parentOf(current) : undefined;
    }
    return found;
  }

  /**
   * Adds an alert to its incident (creating one when needed), stores both, and returns the incident.
   * Idempotent: an alert already in the incident is not added twice.
   */
  async ingest(alert: Alert, now = new Date()): Promise<Incident> {
    await this.stores.alerts.insert(alert);
    const existing = await this.rootIncident(alert.credential);
    const at = now.toISOString();
    const incident: Incident = existing ?? {
      id: newId('inc'),
      credential_id: alert.credential,
      ...(alert.principal ? { principal: alert.principal } : {}),
      status: 'open',
      severity: alert.severity,
      risk_score: 0,
      stage: 'none',
      opened_at: at,
      updated_at: at,
      first_event_at: alert.time,
      alert_ids: [],
      related_credential_ids: [],
      timeline: [],
    };
    if (!incident.alert_ids.includes(alert.id)) {
      incident.alert_ids.push(alert.id);
      incident.severity = maxSeverity(incident.severity, alert.severity);
      // Alert scores already carry the engine's decaying per-credential risk; compounding them again
      // here would turn a pile of low alerts into a high number with a low severity.
      incident.risk_score = Math.max(incident.risk_score, Math.round(alert.score));
      if (ATTACK_STAGES.indexOf(alert.stage) > ATTACK_STAGES.indexOf(incident.stage)) incident.stage = alert.stage;
      if (alert.time < incident.first_event_at) incident.first_event_at = alert.time;
      if (alert.credential !== incident.credential_id && !incident.related_credential_ids.includes(alert.credential)) {
        incident.related_credential_ids.push(alert.credential);
      }
      incident.timeline.push({
        time: alert.time,
        kind: 'alert',
        summary: `[${alert.severity}] ${alert.rule}: ${alert.summary}`,
        ref: alert.id,
      });
      incident.timeline.sort((a, b) => a.time.localeCompare(b.time));
      incident.updated_at = at;
      await this.stores.incidents.upsert(incident);
    }
    await this.stores.alerts.setIncident(alert.id, incident.id);
    return incident;
  }

  /** Links credentials (for example those the attacker created) to an incident. */
  async relate(incidentId: string, credentialIds: readonly string[]): Promise<void> {
    const incident = await this.require(incidentId);
    let changed = false;
    for (const id of credentialIds) {
      if (id !== incident.credential_id && !incident.related_credential_ids.includes(id)) {
        incident.related_credential_ids.push(id);
        changed = true;
      }
    }
    if (changed) await this.stores.incidents.upsert(incident);
  }

  /** Adds a timeline entry (an action taken, a note). */
  async note(
    incidentId: string,
    entry: { kind: 'action' | 'note'; summary: string; actor?: string; ref?: string },
    now = new Date(),
  ): Promise<Incident> {
    const incident = await this.require(incidentId);
    incident.timeline.push({ time: now.toISOString(), ...entry });
    incident.updated_at = now.toISOString();
    await this.stores.incidents.upsert(incident);
    return incident;
  }

  /**
   * Moves an incident to a new status. Marking it a false positive feeds the alerts back to the
   * detection profiles (the new place joins the baseline).
   */
  async setStatus(incidentId: string, status: IncidentStatus, actor: string, reason: string, now = new Date()): Promise<Incident> {
    const incident = await this.require(incidentId);
    if (incident.status === status) return incident;
    const previous = incident.status;
    incident.timeline.push({ time: now.toISOString(), kind: 'status', summary: `${incident.status} → ${status}: ${reason}`, actor });
    incident.status = status;
    incident.updated_at = now.toISOString();
    await this.stores.incidents.upsert(incident);
    await this.stores.audit?.append({
      actor,
      action: `incident.${status}`,
      target: incident.id,
      reason,
      details: { from: previous, to: status, credential_id: incident.credential_id },
    });
    if (status === 'false_positive' && this.feedback) {
      const alerts = await this.stores.alerts.list({ incident_id: incident.id, limit: 10_000 });
      await this.feedback(incident, alerts);
    }
    return incident;
  }

  /** Loads an incident or throws TW_NOT_FOUND. */
  async require(incidentId: string): Promise<Incident> {
    const incident = await this.stores.incidents.get(incidentId);
    if (!incident) throw new NotFoundError('incident', incidentId, { hint: 'list incidents with `tokenwarden incidents list`' });
    return incident;
  }
}
