import { STAGE_CAPABILITY_PROBE, STAGE_PERSISTENCE, STAGE_VALIDITY_CHECK } from '../classify/operation-class.js';
import { K_ASN, U_ASN } from '../profile/layout.js';
import type { OrgStats } from '../profile/org-stats.js';
import { topKCount, topKSize } from '../sketches/top-k.js';
import { anonymisingNetwork } from './anonymising-network.js';
import { operationUsed } from './baseline-knowledge.js';
import { isAdminGrant, managesOwnFactors } from './change-target.js';
import { deviceCodePhishing } from './okta-device-code-phishing.js';
import { factorOnNewDevice } from './okta-new-device-factor.js';
import { oktaPlaybookFinding as finding, oktaType } from './okta-playbook-finding.js';
import { knownOktaDevice, proxiedSignIn } from './okta-proxied-sign-in.js';
import { passwordSpraySuccess } from './okta-spray-success.js';
import { orgState, rememberLatest } from './org-memory.js';
import { usedInOtherSessions } from './session-hops.js';
import type { DetectionContext, Finding } from './types.js';

// Thresholds are `oktaTakeover` in the config: each playbook is high on its own (`score`): none needs a baseline, and
// each is what an identity takeover is done for; signing other people in through an identity provider just made from
// the same address is the takeover itself (`impersonationScore`). Push refusals (or pushes sent) of one person are
// gathered for `fatigueWindowMinutes`; `fatigueRefusals` refused before a sign-in is a bombed user giving in (one or two
// stray refusals are a tap in the wrong place), `fatiguePushes` sent without an answer the same (people do not ask for
// six pushes in an hour). A reset of another person and the escalation it serves come within
// `escalationWindowMinutes`. An identity provider made from an address taints sign-ins through it from there for
// `idpTaintHours`, and `impersonatedUsers` other people signed in that way make impersonation (one is an
// administrator's test account).
/** Most people and addresses followed at once (the oldest are dropped): the state is short-lived. */
const MAX_TRACKED = 4_096;

interface Fatigue {
  start: number;
  refusals: number;
  pushes: number;
  reported: boolean;
}
interface IdpChange {
  at: number;
  by: string | undefined;
  credential: string;
  users: Set<string>;
  reported: boolean;
}

interface Escalation {
  start: number;
  reset: string | undefined;
  escalation: string | undefined;
  reported: boolean;
}

interface TakeoverState {
  /** Per person, not per credential: a refusal may be logged without the session the sign-in then gets. */
  fatigue: Map<string, Fatigue>;
  /** Per source address of an identity provider change. */
  idpChanges: Map<number, IdpChange>;
  /** Per credential: its resets of other people and its escalations. */
  escalations: Map<string, Escalation>;
}

/** One engine's state, keyed by its organisation statistics (one per engine); not part of the snapshot. */
const STATES = new WeakMap<OrgStats, TakeoverState>();

const newState = (): TakeoverState => ({ fatigue: new Map(), idpChanges: new Map(), escalations: new Map() });

function stateOf(ctx: DetectionContext): TakeoverState {
  return orgState(STATES, ctx.org, newState);
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  rememberLatest(map, key, value, MAX_TRACKED);
}

const REFUSAL = /reject|deny|denied/i;

/**
 * A failed MFA attempt that was a push refused, unanswered or answered with the wrong number: Okta logs it as an
 * `auth_via_mfa` failure (`INVALID_CREDENTIALS`) with the factor and the push's answer in its debug data. A mistyped
 * code is not one.
 */
function pushRefused(ctx: DetectionContext): boolean {
  const a = ctx.ev.attributes;
  const factor = typeof a?.mfa_factor === 'string' ? a.mfa_factor : '';
  const answer = typeof a?.push_response === 'string' ? a.push_response : '';
  return /PUSH/i.test(factor) || REFUSAL.test(answer) || REFUSAL.test(ctx.ev.error_code ?? '');
}

/**
 * MFA fatigue: a person's pushes refused (or sent unanswered) again and again, then a sign-in that succeeds. The
 * attacker holds the password and keeps asking until the owner taps "approve" to make it stop. Not when the sign-in is
 * on the owner's own device token and a network of their other sessions: the owner fumbling their own pushes.
 */
function mfaFatigue(ctx: DetectionContext, type: string, out: Finding[]): void {
  const windows = stateOf(ctx).fatigue;
  const who = ctx.ev.principal;
  if (who === undefined) return;
  const failed = ctx.ev.outcome === 'failure';
  const refusal = type === 'user.mfa.okta_verify.deny_push' || (type === 'user.authentication.auth_via_mfa' && failed && pushRefused(ctx));
  const push = type === 'system.push.send_factor_verify_push';
  let w = windows.get(who);
  const t = ctx.cfg.oktaTakeover;
  if (w !== undefined && Math.abs(ctx.now - w.start) > t.fatigueWindowMinutes * 60_000) w = undefined;
  if (refusal || push) {
    if (w === undefined) {
      w = { start: ctx.now, refusals: 0, pushes: 0, reported: false };
      remember(windows, who, w);
    }
    if (refusal) w.refusals++;
    else w.pushes++;
    return;
  }
  if (w === undefined || w.reported || failed) return;
  const signedIn = type === 'user.authentication.auth_via_mfa' || type === 'user.session.start' || type === 'user.authentication.sso';
  if (!signedIn || (w.refusals < t.fatigueRefusals && w.pushes < t.fatiguePushes)) return;
  // The owner's own browser (a device token of theirs) on a network of theirs: they refused their own pushes, or
  // approved late. A thief signing in with the password has neither the device cookie nor the owner's line.
  if (knownOktaDevice(ctx) && ctx.asn !== 0 && usedInOtherSessions(ctx, ctx.asn)) return;
  w.reported = true;
  out.push(
    finding(
      ctx,
      'mfa_fatigue',
      ctx.cfg.oktaTakeover.score,
      STAGE_VALIDITY_CHECK,
      `signed in after ${w.refusals} refused and ${w.pushes} sent MFA pushes within ${Math.max(1, Math.round((ctx.now - w.start) / 60_000))} min: push fatigue (the owner gave in)`,
      { refused_pushes: w.refusals, pushes_sent: w.pushes, window_start: new Date(w.start).toISOString() },
    ),
  );
}

/**
 * The person reports suspicious activity on their own account (Okta's "this wasn't me" from a sign-in or factor
 * e-mail): an attempt they did not make reached them, so someone holds their password, or more. Their word pages
 * whatever the engine saw, with the pushes of a fatigue attempt that failed, if any, as context.
 */
function userReported(ctx: DetectionContext, type: string, out: Finding[]): void {
  if (type !== 'user.account.report_suspicious_activity_by_enduser' || ctx.ev.outcome === 'failure') return;
  const who = ctx.ev.principal;
  const w = who === undefined ? undefined : stateOf(ctx).fatigue.get(who);
  const live = w !== undefined && Math.abs(ctx.now - w.start) <= 24 * 3_600_000;
  out.push(
    finding(
      ctx,
      'user_reported',
      ctx.cfg.oktaTakeover.score,
      STAGE_VALIDITY_CHECK,
      `${who ?? 'the person'} reported suspicious activity on their own account${live ? ` after ${w.refusals} refused and ${w.pushes} sent MFA pushes` : ''}: someone else holds their password or session`,
      live ? { refused_pushes: w.refusals, pushes_sent: w.pushes, window_start: new Date(w.start).toISOString() } : {},
    ),
  );
}

/**
 * An anonymised administrator: a privileged change (a grant, a token, an identity provider, a policy, another user's
 * password or factors) from Tor, an address Okta flags as a proxy, or, for a browser session, a hosting network,
 * that its principal does not work from. People administer Okta from their desk or their company's gateway; the
 * 2023 session thefts and Scattered Spider's takeovers came through VPS and residential proxies. Needs no baseline.
 */
function anonymisedAdmin(ctx: DetectionContext, type: string, out: Finding[]): void {
  const { cls } = ctx;
  if (type === 'user.session.access_admin_app') {
    anonymisedConsole(ctx, out);
    return;
  }
  if (cls.privilege === 'none' || ctx.ev.outcome === 'failure' || managesOwnFactors(ctx.ev)) return;
  const where = anonymisingNetwork(ctx);
  if (where === undefined) return;
  out.push(
    finding(
      ctx,
      'anonymised_admin',
      ctx.cfg.oktaTakeover.score,
      cls.stage,
      `${cls.privilege.replace('_', ' ')} change ${cls.name}${ctx.ev.resource ? ` on ${ctx.ev.resource}` : ''} from ${where} its principal does not work from`,
      { privilege: cls.privilege, network: where },
      false,
    ),
  );
}

/**
 * The admin console opened in a session that has moved onto an anonymising network its principal does not work from
 * (an infostealer's cookie replayed through proxy exits while its owner works on): the thief looking at what the
 * session can do, before any change. A person who signs in through their VPN began the session there.
 */
function anonymisedConsole(ctx: DetectionContext, out: Finding[]): void {
  const { cred } = ctx;
  if (ctx.ev.outcome === 'failure' || ctx.ev.credential_kind !== 'saas_session') return;
  const where = anonymisingNetwork(ctx);
  if (where === undefined || topKCount(cred.u, cred.uo + U_ASN, K_ASN, ctx.asn) > 0 || topKSize(cred.u, cred.uo + U_ASN, K_ASN) === 0)
    return;
  out.push(
    finding(
      ctx,
      'anonymised_admin',
      ctx.cfg.oktaTakeover.score,
      STAGE_CAPABILITY_PROBE,
      `admin console opened from ${where} its principal does not work from, in a session that began elsewhere`,
      { network: where },
      false,
    ),
  );
}

/** Another person's password or factors reset: whoever holds the session can now become them. */
const RESETS: ReadonlySet<string> = new Set(['user.account.reset_password', 'user.mfa.factor.reset_all', 'user.mfa.factor.deactivate']);
/**
 * What the reset serves: an administrator made, or an identity provider that signs anyone in. Not an API token: an
 * administrator makes one for a new integration and resets a caller's MFA in the same hour.
 */
const ESCALATIONS: ReadonlySet<string> = new Set(['system.idp.lifecycle.create', 'system.idp.lifecycle.activate']);

/**
 * Reset and escalate: a credential with no learned baseline resets another person's password or factors and, within
 * the hour, makes an administrator or an identity provider (the 0ktapus and Scattered Spider sequence,
 * from a stolen admin session or API token). A helpdesk resets all day and grants nothing; an administrator promoting
 * someone does not take their MFA away first. With a baseline, the privileged-change rule judges each step.
 */
function resetAndEscalate(ctx: DetectionContext, type: string, out: Finding[]): void {
  if (ctx.credMature || ctx.principalMature || ctx.ev.outcome === 'failure') return;
  const reset = RESETS.has(type) && !managesOwnFactors(ctx.ev);
  const escalation = ESCALATIONS.has(type) || (ctx.cls.privilege === 'grant' && isAdminGrant(ctx.ev));
  if (!reset && !escalation) return;
  const windows = stateOf(ctx).escalations;
  const key = ctx.ev.credential_key;
  let w = windows.get(key);
  if (w === undefined || Math.abs(ctx.now - w.start) > ctx.cfg.oktaTakeover.escalationWindowMinutes * 60_000) {
    w = { start: ctx.now, reset: undefined, escalation: undefined, reported: false };
    remember(windows, key, w);
  }
  if (reset) w.reset ??= ctx.ev.resource ?? type;
  else w.escalation ??= type;
  if (w.reported || w.reset === undefined || w.escalation === undefined) return;
  w.reported = true;
  out.push(
    finding(
      ctx,
      'reset_and_escalate',
      ctx.cfg.oktaTakeover.score,
      STAGE_PERSISTENCE,
      `another person's credentials reset (${w.reset}) and ${w.escalation} within ${Math.max(1, Math.round((ctx.now - w.start) / 60_000))} min by a credential with no learned baseline: account takeover`,
      { reset: w.reset, escalation: w.escalation, window_start: new Date(w.start).toISOString() },
    ),
  );
}

/**
 * Cross-tenant impersonation: an identity provider created or switched on, and then other people signed in
 * through an identity provider from the very address that changed it. An administrator trying a new federation signs
 * in with one test account; the attacker becomes one user after another.
 */
function idpImpersonation(ctx: DetectionContext, type: string, out: Finding[]): void {
  if (ctx.ipHash === 0 || ctx.ev.outcome === 'failure') return;
  const changes = stateOf(ctx).idpChanges;
  // A new identity provider, not a changed one: a federated org's admin rotating its IdP's certificate from the
  // office is followed by everyone there signing in through it.
  if (type === 'system.idp.lifecycle.create' || type === 'system.idp.lifecycle.activate') {
    const prior = changes.get(ctx.ipHash);
    if (prior !== undefined && ctx.now - prior.at <= ctx.cfg.oktaTakeover.idpTaintHours * 3_600_000) {
      prior.at = ctx.now;
      return;
    }
    remember(changes, ctx.ipHash, {
      at: ctx.now,
      by: ctx.ev.principal,
      credential: ctx.ev.credential_key,
      users: new Set(),
      reported: false,
    });
    return;
  }
  if (type !== 'user.authentication.auth_via_IDP') return;
  const change = changes.get(ctx.ipHash);
  const who = ctx.ev.principal;
  if (change === undefined || who === undefined || who === change.by || change.reported) return;
  const t = ctx.cfg.oktaTakeover;
  if (ctx.now < change.at || ctx.now - change.at > t.idpTaintHours * 3_600_000) return;
  // Someone who signed in through an identity provider before is using the org's federation, not a new one.
  if (operationUsed(ctx)) return;
  change.users.add(who);
  if (change.users.size < t.impersonatedUsers) return;
  change.reported = true;
  out.push(
    finding(
      ctx,
      'idp_impersonation',
      t.impersonationScore,
      STAGE_PERSISTENCE,
      `${change.users.size} people signed in through an identity provider from the address that changed one ${Math.max(1, Math.round((ctx.now - change.at) / 60_000))} min earlier: cross-tenant impersonation`,
      {
        identity_provider_changed_by: change.by,
        identity_provider_changed_with: change.credential,
        identity_provider_changed_at: new Date(change.at).toISOString(),
        impersonated: [...change.users],
      },
    ),
  );
}

/**
 * Detector for what an Okta identity takeover is done for, recognised by what is done rather than by what is new
 * (the Okta counterpart of cloud-abuse.ts): MFA push fatigue ending in a sign-in, a person reporting activity they did
 * not recognise, privileged changes from an
 * anonymising network its administrator does not use, people signed in through an identity provider made from the
 * same address, another person's credentials reset before an escalation, a sign-in relayed by a phishing proxy
 * (`okta-proxied-sign-in.ts`), a factor enrolled from a session signed in on a new device
 * (`okta-new-device-factor.ts`), a device authorization phished (`okta-device-code-phishing.ts`) and a password spray
 * that worked (`okta-spray-success.ts`). Each is high; most need no baseline at all (a log that starts at the theft has nothing to be
 * unfamiliar with). Rule `attack_chain`, `evidence.kind` `okta_takeover`, `evidence.playbook` naming which.
 *
 * @example
 * ```ts
 * detectOktaTakeover(ctx, findings); // before the attack chain, which its suspicion then feeds
 * ```
 */
export function detectOktaTakeover(ctx: DetectionContext, out: Finding[]): void {
  const type = oktaType(ctx);
  if (type === undefined) return;
  mfaFatigue(ctx, type, out);
  userReported(ctx, type, out);
  idpImpersonation(ctx, type, out);
  resetAndEscalate(ctx, type, out);
  anonymisedAdmin(ctx, type, out);
  // Before the sign-in rule learns the session's device as its person's.
  factorOnNewDevice(ctx, type, out);
  passwordSpraySuccess(ctx, type, out);
  proxiedSignIn(ctx, type, out);
  deviceCodePhishing(ctx, type, out);
}
