import { STAGE_VALIDITY_CHECK } from '../classify/operation-class.js';
import { K_ASN, K_CLIENT, U_ASN, U_CLIENT } from '../profile/layout.js';
import type { OrgStats } from '../profile/org-stats.js';
import { hashString } from '../sketches/hash.js';
import { topKCount } from '../sketches/top-k.js';
import { oktaPlaybookFinding } from './okta-playbook-finding.js';
import { knownOktaDevice } from './okta-proxied-sign-in.js';
import { orgState, rememberLatest } from './org-memory.js';
import type { DetectionContext, Finding } from './types.js';

/** How long after its latest refused sign-in a spray is still live (its refusals count together while it goes on). */
const SPRAY_WINDOW_MS = 60 * 60_000;
/** Distinct people refused with one user agent from which it is a spray (a person mistyping is one person). */
const SPRAY_MIN_PEOPLE = 5;
/** People remembered per spraying user agent (past the threshold only the threshold matters). */
const PEOPLE_KEPT = 16;
/** Spraying user agents followed at once; the oldest is forgotten first. */
const MAX_SPRAYS = 1_000;
/** Sign-in steps that mean the password worked. */
const SIGNED_IN: ReadonlySet<string> = new Set(['user.session.start', 'user.authentication.auth_via_mfa', 'user.authentication.sso']);
/** Steps that may open a session before the password is checked. */
const FIRST_STEPS: ReadonlySet<string> = new Set(['policy.evaluate_sign_on', 'user.authentication.verify']);

interface Spray {
  start: number;
  /** The latest refused attempt: a spray is live until an hour after it. */
  last: number;
  people: string[];
  reported: Set<string>;
}

/** Per engine, not in the snapshot: a spray is an hour's news. */
const SPRAYS = new WeakMap<OrgStats, Map<number, Spray>>();
const newSprays = (): Map<number, Spray> => new Map();
/** Sessions opened during a spray with its user agent, from a context new to their person: waiting for the sign-in. */
const CANDIDATES = new WeakMap<OrgStats, Set<string>>();
const newCandidates = (): Set<string> => new Set();

/**
 * A password spray that worked: sign-ins refused for wrong passwords (`INVALID_CREDENTIALS`, Okta's refused
 * `user.session.start`) against `SPRAY_MIN_PEOPLE` or more people, each within the hour of the one before, all with one user agent (the
 * spraying tool's, whatever residential proxy exit each guess comes from), then a sign-in that succeeds with that user
 * agent for a person to whom the network, the client and the device are all new: an account without MFA (a test or
 * service account) taken over. A person of the org signing in during a spray does so from a network, client or device
 * of their own.
 *
 * @example
 * ```ts
 * passwordSpraySuccess(ctx, 'user.session.start', findings);
 * ```
 */
export function passwordSpraySuccess(ctx: DetectionContext, type: string, out: Finding[]): void {
  const ua = ctx.ev.user_agent;
  const who = ctx.ev.principal;
  if (ua === undefined || who === undefined) return;
  const attempt = ctx.ev.attributes?.sign_in_attempt === true;
  if (!attempt && ((!SIGNED_IN.has(type) && !FIRST_STEPS.has(type)) || ctx.ev.outcome === 'failure')) return;
  const sprays = orgState(SPRAYS, ctx.org, newSprays);
  const key = hashString(ua);
  let spray = sprays.get(key);
  if (spray !== undefined && ctx.now - spray.last > SPRAY_WINDOW_MS) {
    sprays.delete(key);
    spray = undefined;
  }
  if (attempt) {
    if (type !== 'user.session.start' && !type.startsWith('user.authentication.')) return;
    if (spray === undefined) {
      spray = { start: ctx.now, last: ctx.now, people: [], reported: new Set() };
      rememberLatest(sprays, key, spray, MAX_SPRAYS);
    }
    spray.last = Math.max(spray.last, ctx.now);
    if (spray.people.length < PEOPLE_KEPT && !spray.people.includes(who)) spray.people.push(who);
    return;
  }
  if (spray === undefined || spray.people.length < SPRAY_MIN_PEOPLE || spray.reported.has(who)) return;
  const session = ctx.ev.credential_kind === 'saas_session' ? ctx.ev.credential_key : undefined;
  const candidates = orgState(CANDIDATES, ctx.org, newCandidates);
  // Judged at the session's first step (its policy evaluation), before the session's own events teach the person
  // its network, client and device; the password has worked only once the session starts.
  if (session !== undefined && ctx.cred.events === 0) {
    const { principal } = ctx;
    const newNetwork = ctx.asn === 0 || topKCount(principal.u, principal.uo + U_ASN, K_ASN, ctx.asn) === 0;
    const newClient = ctx.clientHash === 0 || topKCount(principal.u, principal.uo + U_CLIENT, K_CLIENT, ctx.clientHash) === 0;
    if (newNetwork && newClient && !knownOktaDevice(ctx)) {
      candidates.add(session);
      if (candidates.size > MAX_SPRAYS) candidates.delete(candidates.values().next().value as string);
    }
  }
  if (session === undefined || !SIGNED_IN.has(type) || !candidates.has(session)) return;
  candidates.delete(session);
  spray.reported.add(who);
  out.push(
    oktaPlaybookFinding(
      ctx,
      'password_spray_success',
      ctx.cfg.oktaTakeover.score,
      STAGE_VALIDITY_CHECK,
      `${who} signed in with the user agent of a password spray that was refused for ${spray.people.length}${spray.people.length >= PEOPLE_KEPT ? '+' : ''} people since ${new Date(spray.start).toISOString()}, from a network, client and device new to them`,
      { sprayed_people: spray.people.length, spray_started: new Date(spray.start).toISOString(), user_agent: ua.slice(0, 256) },
    ),
  );
}
