import type { RESPONSE_ACTION_KINDS } from '@tokenwarden/config';
import type { AccessEvent, ControlOrder, Incident } from '@tokenwarden/core';
import { automaticBlockSkipReason, newId, parseIpBlockValue, unblockableIpReason } from '@tokenwarden/core';
import type { ActionContext, GatewayControl, ResponseStores, TokenAdmin } from '../ports.js';
import { cloudRemediationRunbook, type RemediationStep } from '../runbook/cloud-remediation.js';
import { iamUserOf } from '../runbook/remediation-params.js';
import { type GuardDecision, ResponderGuard } from '../safety/responder-guard.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { credentialTypeOf } from '../signals/credential-type.js';
import type { SecurityEvent } from '../signals/security-event-token.js';
import type { ActionLog, ActionRecord } from './action-log.js';

/** Kinds of action a policy may take (the list lives with the config schema, so config and responder agree). */
export type PolicyActionKind = (typeof RESPONSE_ACTION_KINDS)[number];

/**
 * Kinds of action: the policy's, and `reinstate`, which undoes a suspension and is only ever taken
 * by hand (a containment plan never contains it, and no policy may name it).
 */
export type ActionKind = PolicyActionKind | 'reinstate';

/** One action to take. */
export interface PlannedAction {
  kind: ActionKind;
  target: string;
  why: string;
  /** For `suspend`: whether the target is a credential or an account. */
  entity?: 'credential' | 'principal';
  /** Set when the plan deliberately leaves this action undone, with why (reported as `skipped`). */
  skip?: string;
}

/** Options for every action. */
export interface ActOptions extends ActionContext {
  dryRun?: boolean;
  /** True when a policy, not a human, decided: the guard applies. */
  automatic?: boolean;
  incidentId?: string;
  /** For automatic actions: the principal the target belongs to (checked against the allowlist). */
  principal?: string;
  /** For automatic actions: the compromised credential the action answers (checked against the allowlist). */
  credential?: string;
}

/** What came of one action. */
export interface ActionOutcome {
  action: PlannedAction;
  /** `skipped`: never done, on purpose (a loopback source, a client with no user to sign out); `detail` says why. */
  status: 'done' | 'already_done' | 'dry_run' | 'held' | 'failed' | 'skipped';
  detail: string;
  result?: Record<string, unknown>;
}

/** Sinks for outgoing signals (SSF transmitter, webhooks). */
export interface SignalSinks {
  securityEvent?: (event: SecurityEvent) => Promise<unknown>;
}

/** Everything the responder acts through. */
export interface ResponderDeps {
  tokens: TokenAdmin;
  gateway: GatewayControl;
  stores: ResponseStores;
  actions: ActionLog;
  settings?: SettingsStore;
  guard?: ResponderGuard;
  signals?: SignalSinks;
  /** How long gateway blocks of IPs last (default 24 h). */
  blockTtlMs?: number;
  /**
   * How far before the incident's first alert what the credential created or changed still counts
   * as the attacker's (default 15 min). An alert's time is when the request that raised it
   * finished, so the key or account that request created, or the setting it changed, is stamped a
   * little earlier; clocks of the token service, gateways and log sources also differ.
   */
  lookbackMs?: number;
}

/**
 * Why signing `subject` out makes no sense, or undefined when it does: an OAuth client (`cl_...`,
 * the subject of a client_credentials token) has no user, session or refresh token to end; its
 * token is revoked by the plan's `revoke`, and the client itself with `tokenwarden revoke cl_...`.
 */
function signOutSkipReason(subject: string): string | undefined {
  return /^cl_[0-9A-Z]{26}$/.test(subject)
    ? `${subject} is an OAuth client (client_credentials): it has no user session to sign out; its token is revoked instead (revoke the client itself with \`tokenwarden revoke ${subject}\` if it is compromised)`
    : undefined;
}

/** Whether a credential is a service-account token: by its id (`sat_`), or as its events name its kind. */
function isServiceAccountToken(credentialId: string, events: readonly AccessEvent[]): boolean {
  return credentialId.startsWith('sat_') || events.some((e) => e.credential_kind === 'service_account_token');
}

/** Default {@link ResponderDeps.blockTtlMs}. */
const DEFAULT_BLOCK_TTL_MS = 86_400_000;

/** How long a sign-out by hand answers `already_done` to the same request (a retry, a double click). */
const MANUAL_REPEAT_WINDOW_MS = 60_000;

/** Default {@link ResponderDeps.lookbackMs}. */
const DEFAULT_LOOKBACK_MS = 15 * 60_000;

/** Credentials a plan suspends (what the attacker created): they belong to the incident. */
export function createdCredentialsOf(plan: ContainmentPlan): string[] {
  return plan.actions.filter((a) => a.kind === 'suspend' && a.entity === 'credential').map((a) => a.target);
}

/** The plan for containing an incident, plus the runbook for cloud accounts. */
export interface ContainmentPlan {
  incident_id: string;
  actions: PlannedAction[];
  runbook: RemediationStep[];
  /** The incident's credential; every automatic action of the plan is held when it is allowlisted. */
  credential_id?: string;
  /** Who that credential belongs to; every automatic action of the plan is held when they are allowlisted. */
  subject?: string;
}

/**
 * Carries out containment: every action is idempotent (recorded by key; a repeat is a no-op),
 * audited (who, what, why), available as a dry run, and, when automatic, admitted by the
 * {@link ResponderGuard} (allowlist and rate limit).
 *
 * @example
 * ```ts
 * const responder = new Responder({ tokens, gateway, stores: repos, actions: new ActionLog(db) });
 * const plan = await responder.plan(incident);
 * await responder.execute(plan, { actor: 'alice', reason: 'INC-42 confirmed' });
 * ```
 */
export class Responder {
  private readonly guard: ResponderGuard;

  constructor(private readonly deps: ResponderDeps) {
    this.guard = deps.guard ?? new ResponderGuard();
  }

  /**
   * Works out what containing an incident takes: for a service-account token, first mint its
   * account a successor (so the owner is not cut off with the thief); block and revoke the credential (and the related
   * ones the attacker created), sign out the linked user, block the sources that appeared with the
   * attack, suspend what the credential created since the first suspicious event, restore the
   * settings it changed, and write the cloud runbook.
   */
  async plan(incident: Incident): Promise<ContainmentPlan> {
    const actions: PlannedAction[] = [];
    const since = incident.first_event_at;
    const credentials = [incident.credential_id, ...incident.related_credential_ids];
    const before = await this.deps.stores.accessEvents.query({ credential_id: incident.credential_id, until: since, limit: 5000 });
    const after = await this.deps.stores.accessEvents.query({ credential_id: incident.credential_id, since, limit: 50_000 });
    if (isServiceAccountToken(incident.credential_id, [...before, ...after])) {
      // First, so the owner's successor exists before the stolen token is blocked and revoked.
      actions.push({
        kind: 'rotate_service_account',
        target: incident.credential_id,
        why: 'mint a successor for the service account, so its owner keeps working once this token is cut off',
      });
    }
    for (const c of credentials) {
      actions.push({ kind: 'block_credential', target: c, why: 'stop it at every gateway at once' });
      actions.push({ kind: 'revoke', target: c, why: 'revoke the credential (and its refresh family)' });
    }
    const subject = await this.deps.tokens.subjectOf(incident.credential_id);
    if (subject) {
      const skip = signOutSkipReason(subject) ?? (await this.noSessionsReason(subject));
      actions.push({ kind: 'signout', target: subject, why: 'force every linked session to sign in again', ...(skip ? { skip } : {}) });
    }

    const changedSince = this.changedSince(incident);
    const created = await this.deps.tokens.createdBy(incident.credential_id);
    for (const c of created.credentials) {
      if (c.created_at >= changedSince && !credentials.includes(c.id)) {
        const why = `created by the compromised credential at ${c.created_at}`;
        // Blocking at the gateways is immediate; the suspension is what lasts (and is reversible).
        actions.push({ kind: 'block_credential', target: c.id, why });
        actions.push({ kind: 'suspend', target: c.id, entity: 'credential', why });
      }
    }
    for (const p of created.principals) {
      if (p.created_at >= changedSince)
        actions.push({
          kind: 'suspend',
          target: p.id,
          entity: 'principal',
          why: `account ${p.name} created by the compromised credential at ${p.created_at}`,
        });
    }

    const usual = new Set(before.map((e) => e.source_ip).filter(Boolean));
    const newIps = new Set(after.map((e) => e.source_ip).filter((ip): ip is string => Boolean(ip) && !usual.has(ip)));
    for (const ip of newIps) {
      // Never loopback or unspecified; not an internal address either (most often the proxy in front).
      const skip = automaticBlockSkipReason(ip);
      actions.push({ kind: 'block_ip', target: ip, why: 'a source that appeared with the attack', ...(skip ? { skip } : {}) });
    }

    if (this.deps.settings) {
      const changed = await this.settingsChangedBy(credentials, changedSince);
      for (const key of changed.keys())
        actions.push({ kind: 'restore_setting', target: key, why: 'changed by the compromised credential' });
    }
    // Every event: only AWS calls have rules (CloudTrail's own, or OCSF from Security Lake, whose source system is
    // the product name).
    // The stolen key's owner, for its disable step: IAM looks a key up under the caller's own user otherwise.
    const awsKey = /^A(KIA|SIA)[A-Z0-9]{12,}$/.test(incident.credential_id) ? incident.credential_id : undefined;
    const owner = awsKey ? iamUserOf(after.find((e) => e.principal)?.principal ?? before.find((e) => e.principal)?.principal) : undefined;
    const runbook = cloudRemediationRunbook(after, awsKey, owner);
    return { incident_id: incident.id, actions, runbook, credential_id: incident.credential_id, ...(subject ? { subject } : {}) };
  }

  /** Runs every action of a plan in order; continues past failures and reports each outcome. */
  async execute(plan: ContainmentPlan, opts: ActOptions): Promise<ActionOutcome[]> {
    const out: ActionOutcome[] = [];
    const behalf = {
      ...(plan.credential_id && opts.credential === undefined ? { credential: plan.credential_id } : {}),
      ...(plan.subject && opts.principal === undefined ? { principal: plan.subject } : {}),
    };
    for (const action of plan.actions) out.push(await this.act(action, { ...opts, ...behalf, incidentId: plan.incident_id }));
    return out;
  }

  /** Runs one action: idempotent, audited, guarded when automatic, simulated when dry-run. */
  async act(action: PlannedAction, opts: ActOptions): Promise<ActionOutcome> {
    // Checked again here, whoever built the action: these are never done, not even by hand.
    const skip =
      action.skip ??
      (action.kind === 'block_ip' ? unblockableIpReason(action.target) : undefined) ??
      (action.kind === 'signout' ? signOutSkipReason(action.target) : undefined);
    if (skip) return { action: { ...action, skip }, status: 'skipped', detail: `not done: ${skip}` };
    // Scoped per incident: signing alice out again in next month's incident is a new action.
    const key = `${opts.incidentId ?? 'manual'}:${action.kind}:${action.target}`;
    const previous = await this.deps.actions.findDone(key, await this.stillHoldsSince(action, opts));
    if (previous)
      return { action, status: 'already_done', detail: `done by ${previous.actor} at ${previous.created_at}`, result: previous.result };
    if (opts.dryRun) return { action, status: 'dry_run', detail: `would ${action.kind} ${action.target}: ${action.why}` };
    if (opts.automatic) {
      const decision: GuardDecision = this.guard.admit({
        ...(action.kind === 'revoke' ||
        action.kind === 'suspend' ||
        action.kind === 'reinstate' ||
        action.kind === 'block_credential' ||
        action.kind === 'rotate_service_account'
          ? { credential: action.target }
          : {}),
        ...(action.kind === 'signout' ? { principal: action.target } : {}),
        credentials: [opts.credential],
        principals: [opts.principal],
      });
      if (!decision.allowed) {
        // Recorded (and audited) once: the same hold comes back on every alert and sweep of the incident.
        if (!(await this.deps.actions.findHeld(key)))
          await this.record(action, opts, key, 'held', { reason: decision.reason, detail: decision.detail });
        return { action, status: 'held', detail: decision.detail };
      }
    }
    try {
      const result = await this.perform(action, opts);
      await this.record(action, opts, key, 'done', result);
      return { action, status: 'done', detail: action.why, result };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.record(action, opts, key, 'failed', { error: message });
      return { action, status: 'failed', detail: message };
    }
  }

  private async perform(action: PlannedAction, ctx: ActOptions): Promise<Record<string, unknown>> {
    const context: ActionContext = { actor: ctx.actor, reason: ctx.reason };
    switch (action.kind) {
      case 'block_credential':
        await this.deps.gateway.send(this.order('block', { kind: 'credential', id: action.target }, ctx));
        return { blocked: action.target };
      case 'block_ip':
        // Gateways drop an order they cannot parse: it must not be reported done.
        if (!parseIpBlockValue(action.target)) throw new Error(`not an IP address or CIDR: ${JSON.stringify(action.target)}`);
        await this.deps.gateway.send(
          this.order('block', { kind: 'ip', value: action.target }, ctx, this.deps.blockTtlMs ?? DEFAULT_BLOCK_TTL_MS),
        );
        return { blocked: action.target };
      case 'block_asn':
        await this.deps.gateway.send(
          this.order('block', { kind: 'asn', value: Number(action.target) }, ctx, this.deps.blockTtlMs ?? DEFAULT_BLOCK_TTL_MS),
        );
        return { blocked: action.target };
      case 'revoke': {
        const r = await this.deps.tokens.revoke(action.target, context);
        await this.deps.signals?.securityEvent?.({
          type: 'credential-compromise',
          subject: { format: 'opaque', id: action.target },
          time: new Date(),
          credential_type: credentialTypeOf(action.target),
          reason: ctx.reason,
        });
        return r;
      }
      case 'signout': {
        const r = await this.deps.tokens.signOut(action.target, { ...context, includeApiKeys: false });
        await this.deps.signals?.securityEvent?.({
          type: 'session-revoked',
          subject: { format: 'opaque', id: action.target },
          time: new Date(),
          reason: ctx.reason,
          initiating_entity: ctx.automatic ? 'policy' : 'admin',
        });
        return r;
      }
      case 'suspend': {
        const ok = await this.deps.tokens.suspend(action.target, context);
        if (!ok) throw new Error(`nothing to suspend for ${action.target}`);
        await this.deps.signals?.securityEvent?.({
          type: 'credential-change',
          subject: { format: 'opaque', id: action.target },
          time: new Date(),
          credential_type: credentialTypeOf(action.target),
          change_type: 'revoke',
          reason: ctx.reason,
        });
        return { suspended: action.target };
      }
      case 'reinstate': {
        const ok = await this.deps.tokens.reinstate(action.target, context);
        if (!ok) throw new Error(`nothing suspended to reinstate for ${action.target}`);
        return { reinstated: action.target };
      }
      case 'rotate_service_account': {
        const r = await this.deps.tokens.rotateServiceAccount(action.target, context);
        if (!r) throw new Error(`${action.target} is not a service-account token`);
        return r;
      }
      case 'restore_setting': {
        if (!this.deps.settings) throw new Error('no settings store');
        const before = await this.originalValue(action.target, ctx.incidentId);
        await this.deps.settings.set(action.target, before, { actor: ctx.actor, reason: `restore: ${ctx.reason}` });
        return { restored: action.target, value: before as unknown };
      }
    }
  }

  // A key's subject that is no user (a name given at `keys create`, a service account) has no
  // session: signing it out can only fail, on every alert and sweep, and spend the rate limit.
  private async noSessionsReason(subject: string): Promise<string | undefined> {
    if (!this.deps.tokens.signsIn || (await this.deps.tokens.signsIn(subject))) return undefined;
    return `${subject} is not a user who signs in (the subject of an API key or service account): it has no session to sign out; its credential is revoked instead`;
  }

  /**
   * From when a done action with the same key still holds, so that repeating it is a no-op
   * (undefined: forever, as for a revocation). A block lasts its time to live. A sign-out by hand
   * holds for {@link MANUAL_REPEAT_WINDOW_MS} only: a retried or double-sent request is harmless,
   * but the user may have signed in again since, and a later request must end those sessions too
   * (an incident's own sign-out holds for the incident, or each sweep would sign the owner out
   * again after they re-authenticated). A suspension by hand holds until the target is reinstated.
   */
  private async stillHoldsSince(action: PlannedAction, opts: ActOptions): Promise<string | undefined> {
    const now = Date.now();
    switch (action.kind) {
      case 'block_ip':
      case 'block_asn':
        return new Date(now - (this.deps.blockTtlMs ?? DEFAULT_BLOCK_TTL_MS)).toISOString();
      case 'signout':
        return opts.incidentId ? undefined : new Date(now - MANUAL_REPEAT_WINDOW_MS).toISOString();
      // By hand, until the target is reinstated (and the reverse); an incident's own suspension
      // holds for the incident, so a human's reinstatement is not undone by its next alert.
      case 'suspend':
        return opts.incidentId ? undefined : (await this.deps.actions.latestDone('reinstate', action.target))?.created_at;
      case 'reinstate':
        return (await this.deps.actions.latestDone('suspend', action.target))?.created_at;
      default:
        return undefined;
    }
  }

  /** Setting keys changed by any of `credentials` since `since`, with their value before the first such change. */
  private async settingsChangedBy(credentials: readonly string[], since: string): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    const entries = await this.deps.stores.audit.list({ limit: 100_000 });
    for (const e of entries) {
      if (e.action !== 'settings.change' || !e.target || e.time < since) continue;
      const cred = (e.details as { credential_id?: string }).credential_id ?? e.actor;
      if (!credentials.includes(cred)) continue;
      if (!out.has(e.target)) out.set(e.target, (e.details as { before?: unknown }).before ?? null);
    }
    return out;
  }

  // From when what the incident's credentials created or changed is taken for the attacker's.
  private changedSince(incident: Incident): string {
    const first = Date.parse(incident.first_event_at);
    if (!Number.isFinite(first)) return incident.first_event_at;
    return new Date(first - (this.deps.lookbackMs ?? DEFAULT_LOOKBACK_MS)).toISOString();
  }

  private async originalValue(key: string, incidentId?: string): Promise<unknown> {
    const incident = incidentId ? await this.deps.stores.incidents.get(incidentId) : undefined;
    if (!incident) throw new Error(`restoring ${key} needs the incident`);
    const changed = await this.settingsChangedBy([incident.credential_id, ...incident.related_credential_ids], this.changedSince(incident));
    if (!changed.has(key)) throw new Error(`no change of ${key} by the incident's credentials in the audit log`);
    return changed.get(key);
  }

  private order(action: 'block' | 'unblock', target: ControlOrder['target'], ctx: ActOptions, ttlMs?: number): ControlOrder {
    return {
      id: newId('ord'),
      time: new Date().toISOString(),
      action,
      target,
      reason: ctx.reason,
      actor: ctx.actor,
      ...(ttlMs ? { expires_at: new Date(Date.now() + ttlMs).toISOString() } : {}),
    };
  }

  private async record(
    action: PlannedAction,
    opts: ActOptions,
    key: string,
    status: ActionRecord['status'],
    result: Record<string, unknown>,
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.deps.actions.record({
      id: newId('act'),
      key,
      kind: action.kind,
      target: action.target,
      actor: opts.actor,
      reason: opts.reason,
      automatic: Boolean(opts.automatic),
      status,
      result,
      created_at: now,
      ...(opts.incidentId ? { incident_id: opts.incidentId } : {}),
    });
    await this.deps.stores.audit.append({
      actor: opts.actor,
      action: `response.${action.kind}`,
      target: action.target,
      reason: opts.reason,
      details: {
        status,
        automatic: Boolean(opts.automatic),
        ...(opts.incidentId ? { incident_id: opts.incidentId } : {}),
        why: action.why,
      },
    });
  }
}
