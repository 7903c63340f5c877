import type { Alert, CredentialKind, Incident } from '@tokenwarden/core';
import { SEVERITIES } from '@tokenwarden/core';
import type { IncidentManager } from '../incidents/incident-manager.js';
import { type AutoResponsePolicy, actionsFor, DEFAULT_AUTO_POLICY } from './auto-policy.js';
import { type ActionKind, type ActionOutcome, createdCredentialsOf, type Responder } from './responder.js';

/** Options of {@link AutoResponder}. */
export interface AutoResponderOptions {
  incidents: IncidentManager;
  responder: Responder;
  policy?: AutoResponsePolicy;
  /** Kind of the alerting credential, for kind-specific rules. */
  kindOf?: (credential: string) => CredentialKind | Promise<CredentialKind>;
  /**
   * After containing, look again at these delays: requests already in flight when the credential
   * was revoked can still complete and create things (a slow account creation, a queued job).
   * Default 2 s and 15 s; empty disables.
   */
  sweepDelaysMs?: readonly number[];
  /** Told about every action taken (for terminals, webhooks, chat). */
  onOutcome?: (incident: Incident, outcome: ActionOutcome) => void;
  /** Told when an incident is contained. */
  onContained?: (incident: Incident) => void;
  /** Told when a background sweep fails (the alert path rejects instead). */
  onError?: (error: unknown) => void;
}

/**
 * Automatic response: feeds each alert into its incident, and when the policy says so, plans and
 * runs containment through the {@link Responder} (so every action is guarded, idempotent and
 * audited), marks the incident contained once the credential is revoked, and sweeps again a
 * moment later for artefacts of requests that were in flight.
 *
 * @example
 * ```ts
 * const auto = new AutoResponder({ incidents, responder });
 * await bus.subscribe('alert', 'response', (alert) => auto.handle(alert));
 * ```
 */
export class AutoResponder {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: AutoResponderOptions) {}

  /** Handles one alert; resolves when its incident is updated and any containment has run. */
  async handle(alert: Alert): Promise<Incident> {
    const incident = await this.o.incidents.ingest(alert);
    // One containment at a time: two alerts of one burst must not race each other's plans.
    const run = this.queue.then(() => this.respond(incident.id, alert.credential));
    this.queue = run.catch(() => undefined);
    await run;
    return this.o.incidents.require(incident.id);
  }

  /** Waits for queued work and cancels pending sweeps. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.queue;
  }

  private async respond(incidentId: string, credential: string, sweep = false): Promise<void> {
    const incident = await this.o.incidents.require(incidentId);
    if (incident.status === 'resolved' || incident.status === 'false_positive') return;
    const kind = (await this.o.kindOf?.(credential)) ?? 'unknown';
    const allowed = actionsFor(this.o.policy ?? DEFAULT_AUTO_POLICY, incident, kind);
    if (allowed.length === 0) return;
    const plan = await this.o.responder.plan(incident);
    const created = createdCredentialsOf(plan);
    if (created.length > 0) await this.o.incidents.relate(incident.id, created);
    const policy = this.o.policy ?? DEFAULT_AUTO_POLICY;
    const outcomes = await this.o.responder.execute(
      { ...plan, actions: plan.actions.filter((a) => (allowed as readonly ActionKind[]).includes(a.kind)) },
      {
        actor: 'policy:auto-contain',
        reason: `incident ${incident.id} reached ${incident.severity}${sweep ? ' (sweep)' : ''}`,
        automatic: true,
        dryRun: policy.dry_run,
      },
    );
    for (const outcome of outcomes) {
      // Skipped actions (a loopback source...) come back on every alert and sweep: not news.
      if (outcome.status === 'already_done' || outcome.status === 'skipped') continue;
      this.o.onOutcome?.(incident, outcome);
      if (outcome.status === 'done')
        await this.o.incidents.note(incident.id, {
          kind: 'action',
          summary: `${outcome.action.kind} ${outcome.action.target}`,
          actor: 'policy:auto-contain',
        });
    }
    const revoked = outcomes.some(
      (o) =>
        o.action.kind === 'revoke' && o.action.target === incident.credential_id && (o.status === 'done' || o.status === 'already_done'),
    );
    if (incident.status === 'open' && revoked && SEVERITIES.indexOf(incident.severity) >= SEVERITIES.indexOf('high')) {
      const contained = await this.o.incidents.setStatus(
        incident.id,
        'contained',
        'policy:auto-contain',
        'credential revoked, sessions ended, what it created suspended',
      );
      this.o.onContained?.(contained);
      if (!sweep) {
        for (const delay of this.o.sweepDelaysMs ?? [2000, 15_000]) {
          const t = setTimeout(() => {
            this.timers.delete(t);
            this.queue = this.queue.then(() => this.respond(incident.id, credential, true)).catch((e: unknown) => this.o.onError?.(e));
          }, delay);
          t.unref();
          this.timers.add(t);
        }
      }
    }
  }
}
