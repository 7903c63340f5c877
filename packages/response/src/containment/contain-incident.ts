import type { Incident } from '@tokenwarden/core';
import type { IncidentManager } from '../incidents/incident-manager.js';
import type { RemediationStep } from '../runbook/cloud-remediation.js';
import { type ActionOutcome, createdCredentialsOf, type Responder } from './responder.js';

/** What containing an incident by hand did. */
export interface ContainResult {
  incident: Incident;
  dry_run: boolean;
  outcomes: ActionOutcome[];
  runbook: RemediationStep[];
}

/**
 * Contains an incident by hand (CLI and API share it): plans and runs every containment action
 * through the responder (idempotent, audited under `actor`), links what the credential created to
 * the incident, writes each action taken (or failed) in its timeline, as automatic containment
 * does, and marks it contained, whatever its status was: a human containing a resolved incident
 * has decided it is not over. A dry run plans and records nothing.
 *
 * @example
 * ```ts
 * const r = await containIncident(incidents, responder, 'inc_01J...', { actor: 'alice', reason: 'INC-42', dryRun: false });
 * r.outcomes.filter((o) => o.status === 'failed');
 * ```
 */
export async function containIncident(
  incidents: IncidentManager,
  responder: Responder,
  id: string,
  o: { actor: string; reason: string; dryRun: boolean },
): Promise<ContainResult> {
  const incident = await incidents.require(id);
  const plan = await responder.plan(incident);
  const outcomes = await responder.execute(plan, { actor: o.actor, reason: o.reason, dryRun: o.dryRun });
  let after = incident;
  if (!o.dryRun) {
    await incidents.relate(id, createdCredentialsOf(plan));
    for (const outcome of outcomes) {
      if (outcome.status !== 'done' && outcome.status !== 'failed') continue;
      const failed = outcome.status === 'failed' ? ` failed: ${outcome.detail}` : '';
      await incidents.note(id, { kind: 'action', summary: `${outcome.action.kind} ${outcome.action.target}${failed}`, actor: o.actor });
    }
    after = await incidents.setStatus(id, 'contained', o.actor, o.reason);
  }
  return { incident: after, dry_run: o.dryRun, outcomes, runbook: plan.runbook };
}
