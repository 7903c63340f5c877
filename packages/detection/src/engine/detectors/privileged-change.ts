import { STAGE_DEFENSE_EVASION, STAGE_PERSISTENCE } from '../classify/operation-class.js';
import { F_EVENTS, F_FIRST_PRIV_TS, F_PRIV_BURST, F_PRIV_EVENTS, K_PRIV, U_PRIV } from '../profile/layout.js';
import { topKCount } from '../sketches/top-k.js';
import { atUsualDesk } from './baseline-knowledge.js';
import { isChangeMaker, onPersonsDesktop } from './change-maker.js';
import { isAdminGrant, managesOwnFactors, targetsOtherUser } from './change-target.js';
import { knownValues, ordinal, round2 } from './evidence.js';
import { knownOktaDevice } from './okta-proxied-sign-in.js';
import { movedOntoNewLine, onlyThisNetwork } from './session-hops.js';
import type { DetectionContext, Finding } from './types.js';

/** Novelty of place or client (0-100) from which the context counts as unfamiliar. */
const UNFAMILIAR_CONTEXT = 30;
/** Novelty of place or client from which unaccustomed changes count as a burst (any novelty, not its level). */
const BURST_MIN_NOVELTY = 10;
/** Counts of a burst kept (the bonus needs the third and fourth): 16 values, packed with the start time. */
const BURST_COUNT_SPAN = 16;
/** Privileged changes made in earlier sessions from which a principal is an administrator at work. */
const ADMIN_MIN_CHANGES = 3;
/** Age of a credential's first change from which its changes belong to an earlier working session. */
const EARLIER_SESSION_MS = 12 * 3_600_000;

/**
 * True when a person's sign-in session (an Okta session: a new credential each morning) makes the change from the
 * very address and device of their earlier sessions, or from a session begun on this network on a device of theirs. "Never made by this credential" then says nothing: every
 * session is new. A thief replaying the cookie comes from elsewhere, even in the victim's city.
 */
function atOwnDesk(ctx: DetectionContext): boolean {
  const { principal, cred } = ctx;
  if (ctx.ev.credential_kind !== 'saas_session' || !ctx.principalMature || principal === cred) return false;
  if (ctx.placeNovelty !== 0 || ctx.clientNovelty !== 0 || ctx.ipHash === 0) return false;
  if (atUsualDesk(ctx)) return true;
  // A line whose address changes (a home ISP's dynamic addresses, an office's web gateway): the session began here,
  // on a device token of the person's, and never left this network. A replayed cookie began at its victim's.
  return onlyThisNetwork(ctx) && knownOktaDevice(ctx);
}

/**
 * Privileged changes the principal made in earlier sessions: those of its other credentials (an Okta admin signs
 * in each morning with a new session; an SSO role gets new keys every hour), and this credential's own once the
 * first of them is from an earlier working session. An attacker's own changes of the last minutes never count.
 */
function earlierChanges(ctx: DetectionContext): number {
  const { cred, principal } = ctx;
  const own = cred.f[cred.fo + F_PRIV_EVENTS]!;
  const firstOwn = cred.f[cred.fo + F_FIRST_PRIV_TS]!;
  const ownEarlier = firstOwn !== 0 && ctx.now - firstOwn >= EARLIER_SESSION_MS ? own : 0;
  const otherCredentials = principal === cred ? 0 : principal.f[principal.fo + F_PRIV_EVENTS]! - own;
  return Math.max(ownEarlier, otherCredentials);
}

/**
 * Counts this unaccustomed privileged change into the credential's current burst (a new burst starts after
 * `burstWindowMinutes`) and returns the changes in the burst so far. Detection state, not baseline: kept even
 * while learning is guarded.
 */
function countBurst(ctx: DetectionContext): number {
  const { cred, cfg } = ctx;
  // One float slot holds both, exactly (start ms * 16 + count stays far below 2^53): no profile grows for it.
  const packed = cred.f[cred.fo + F_PRIV_BURST]!;
  let start = Math.floor(packed / BURST_COUNT_SPAN);
  let count = packed - start * BURST_COUNT_SPAN;
  if (ctx.now - start > cfg.privileged.burstWindowMinutes * 60_000) {
    start = ctx.now;
    count = 0;
  }
  count = Math.min(BURST_COUNT_SPAN - 1, count + 1);
  cred.f[cred.fo + F_PRIV_BURST] = start * BURST_COUNT_SPAN + count;
  return count;
}

/**
 * Detector 8, privileged change without a user action: creating users, keys, tokens, apps or webhooks;
 * granting permissions; disabling alerts, audit logging or threat detection. Silent when the credential (or
 * its principal) habitually makes this very change from a familiar context — a CI credential that applies
 * Terraform every day, a user rotating their own keys. Otherwise scored by kind (defense evasion > grant >
 * persistence; managing one's own keys from a familiar context is low) plus `contextBonus` when the call is
 * scripted on a usually interactive credential, and again when the place or client is novel or the credential
 * is already suspicious. Keys for another user are not one's own (`other_user`), and a grant of administrator
 * access (`admin_grant`) scores `adminGrantBonus` more. A denied attempt still counts (it shows intent), slightly less; one that failed otherwise (a bad request) less again. Change-making
 * automation (see `isChangeMaker`) in its familiar context is capped and counts as novelty. A burst of
 * unaccustomed changes (`burstMinChanges` within `burstWindowMinutes`: a new key, a new user, an admin policy)
 * from a place or client with some novelty, even below the unfamiliar level, scores more with each change.
 *
 * @example
 * ```ts
 * detectPrivilegedChange(ctx, findings);
 * ```
 */
export function detectPrivilegedChange(ctx: DetectionContext, out: Finding[]): void {
  const { cls, cred, principal, cfg, org } = ctx;
  if (cls.privilege === 'none') return;
  const pc = cfg.privileged;
  const unfamiliar =
    ctx.placeNovelty >= UNFAMILIAR_CONTEXT ||
    ctx.clientNovelty >= UNFAMILIAR_CONTEXT ||
    ctx.suspicion >= cfg.chain.contextMinScore ||
    movedOntoNewLine(ctx);
  const habitCred = topKCount(cred.u, cred.uo + U_PRIV, K_PRIV, ctx.opHash);
  const habitPrincipal = topKCount(principal.u, principal.uo + U_PRIV, K_PRIV, ctx.opHash);
  const habitual = habitCred >= 2 || habitPrincipal >= 3;
  if (habitual && !unfamiliar) return;
  const events = cred.f[cred.fo + F_EVENTS]!;
  const interactiveShare = cred.interactiveShare;
  const scriptedOnInteractive = ctx.scripted && events >= 10 && interactiveShare >= 0.9;
  ctx.familiarChange = !unfamiliar && !scriptedOnInteractive && (ctx.credMature || ctx.principalMature);
  let score =
    cls.privilege === 'defense_evasion' ? pc.defenseEvasionScore : cls.privilege === 'grant' ? pc.grantScore : pc.persistenceScore;
  // Managing one's own keys is routine; keys for another user are not (the attacker's backdoor on a service user).
  // So is re-enrolling one's own MFA factor on a new device (Okta), from a familiar place.
  const otherUser = cls.selfKey && targetsOtherUser(ctx.ev);
  const ownFactors = managesOwnFactors(ctx.ev);
  if ((cls.selfKey && !otherUser) || ownFactors) {
    if (!unfamiliar && !scriptedOnInteractive) score = pc.selfKeyScore;
  }
  // Making someone an administrator is the escalation step of nearly every intrusion, whatever the context.
  const adminGrant = cls.privilege === 'grant' && isAdminGrant(ctx.ev);

  if (adminGrant) score += pc.adminGrantBonus;
  if (habitual) score *= 0.7;
  if (scriptedOnInteractive) score += pc.contextBonus;
  if (unfamiliar) score += pc.contextBonus;
  // Denied, it still shows intent; failed otherwise (a malformed request, a validation error), nothing changed at all.
  if (ctx.authFailure) score -= 10;
  else if (ctx.ev.outcome === 'failure') score -= 20;
  // Deployment tooling is still being learned: a brand-new credential making changes from an ordinary context
  // (a first Terraform apply that also deletes alarms of destroyed resources) is worth a look, not a page.
  if (!ctx.credMature && !ctx.principalMature && !unfamiliar && !scriptedOnInteractive) score -= 15;
  // An administrator at their usual desk and client, who made privileged changes in earlier sessions, making one
  // more of a kind new to them (the first policy edit of the month, a helpdesk factor reset) is doing their job:
  // worth a look, not a page. From a new place or client, or granting administrator access, it still pages.
  const earlier = earlierChanges(ctx);
  // So is an administrator at the desk and device of their earlier sessions, however few changes the log shows.
  const ownDesk = !unfamiliar && !scriptedOnInteractive && !adminGrant && atOwnDesk(ctx);
  const seasonedAdmin = !unfamiliar && !scriptedOnInteractive && !adminGrant && (earlier >= ADMIN_MIN_CHANGES || ownDesk);
  if (seasonedAdmin) score -= 15;
  // The same change made before from this familiar desk (the on-call engineer's second night on a muted rule; a
  // helpdesk agent's second factor reset, each in a new Okta session, so known only to the person) was already
  // reported the first time: worth a look again, not a second page.
  else if ((habitCred === 1 || habitPrincipal >= 1) && !unfamiliar && !scriptedOnInteractive && !adminGrant) score -= 15;
  // Infrastructure-as-code from its usual runner: a change it never made is the next apply, so it is novelty
  // (it pages only when another rule, such as a new place, corroborates it).
  // A grant or setting may follow another of the same run (a first Terraform apply); a new identity, key
  // or login needs a habit from an earlier day (an attacker settling in from the victim's own host).
  // A person's laptop is never that automation (the attack chain keeps its own, looser view of novel operations).
  const changeMaker =
    !unfamiliar && !scriptedOnInteractive && !onPersonsDesktop(ctx) && isChangeMaker(ctx, cls.privilege !== 'persistence');
  if (changeMaker) score = Math.min(score, pc.changeMakerMaxScore);
  // Only from a place or client with some novelty: an administrator onboarding people from their desk makes the
  // very same run of changes (a user, a login profile, a group, a key) as an attacker settling in.
  const noticed = Math.max(ctx.placeNovelty, ctx.clientNovelty) >= BURST_MIN_NOVELTY;
  const burst = habitual || changeMaker || !noticed ? 0 : countBurst(ctx);
  const burstExtra = Math.min(2, burst - pc.burstMinChanges + 1);
  if (burstExtra > 0) score += pc.burstBonus * burstExtra;
  score = Math.max(10, Math.min(95, score));

  const stage = cls.privilege === 'defense_evasion' ? STAGE_DEFENSE_EVASION : STAGE_PERSISTENCE;
  out.push({
    rule: 'privileged_change',
    score,
    stage,
    summary: `${cls.privilege.replace('_', ' ')} change ${cls.name}${ctx.ev.resource ? ` on ${ctx.ev.resource}` : ''}${adminGrant ? ' (administrator access)' : ''}${habitual ? '' : habitCred > 0 ? ', made by this credential only once before' : ', never made by this credential'}${unfamiliar ? ' from an unfamiliar context' : ''}${burstExtra > 0 ? `, its ${ordinal(burst)} unaccustomed change within ${pc.burstWindowMinutes} min` : ''}${changeMaker ? ' (change-making automation in its usual context)' : ''}`,
    evidence: {
      operation: cls.name,
      privilege: cls.privilege,
      resource: ctx.ev.resource,
      outcome: ctx.ev.outcome,
      interactive: ctx.ev.interactive,
      scripted: ctx.scripted,
      habitual,
      change_maker: changeMaker,
      unfamiliar_context: unfamiliar,
      admin_grant: adminGrant || undefined,
      administrator_at_work: seasonedAdmin || undefined,
      own_desk: ownDesk || undefined,
      other_user: otherUser || undefined,
      own_factors: ownFactors || undefined,
      unaccustomed_changes_in_window: burst || undefined,
      place_novelty: round2(ctx.placeNovelty),
      client_novelty: round2(ctx.clientNovelty),
      baseline: {
        times_by_credential: habitCred,
        times_by_principal: habitPrincipal,
        privileged_changes_by_credential: cred.f[cred.fo + F_PRIV_EVENTS],
        earlier_privileged_changes: earlier,
        interactive_share: round2(interactiveShare),
        habitual_changes: knownValues(cred, U_PRIV, K_PRIV, org),
      },
    },
    noveltyOnly: changeMaker,
    // A burst from a new place or client is the attacker settling in: later stages of the chain count from here.
    suspicion: unfamiliar || burstExtra > 0 ? score : 0,
    // Logging switched off after a user was made is a different story from the user, whatever its score.
    laterStageIsNews: true,
  });
}
