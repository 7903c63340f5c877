import { STAGE_PERSISTENCE } from '../classify/operation-class.js';
import { K_IP, U_IP } from '../profile/layout.js';
import type { OrgStats } from '../profile/org-stats.js';
import { topKCount } from '../sketches/top-k.js';
import { oktaPlaybookFinding } from './okta-playbook-finding.js';
import { unknownOktaDevice } from './okta-proxied-sign-in.js';
import { orgState, rememberLatest } from './org-memory.js';
import type { DetectionContext, Finding } from './types.js';

/** How long after a sign-in on a new device an enrolment counts as that sign-in's. */
const ENROL_WINDOW_MS = 2 * 60 * 60_000;
/** How long a reset or removal of a person's factors explains a new one (a lost phone replaced). */
const REPLACEMENT_WINDOW_MS = 24 * 60 * 60_000;
/** What an enrolment from one of the person's own addresses keeps of the score (75 becomes 45, medium). */
const KNOWN_ADDRESS_WEIGHT = 0.6;
/** Sessions and people followed at once; the oldest is forgotten first. */
const MAX_TRACKED = 50_000;
/** Sign-in steps: where a session's device first shows. */
const SIGN_IN_STEPS: ReadonlySet<string> = new Set(['policy.evaluate_sign_on', 'user.authentication.auth_via_mfa', 'user.session.start']);
/** A person's factors reset or removed: a new one afterwards replaces them. */
const FACTOR_REMOVALS: ReadonlySet<string> = new Set(['user.mfa.factor.reset_all', 'user.mfa.factor.deactivate']);

interface State {
  /** Sessions signed in on a device new to their person, and when. */
  newDeviceSessions: Map<string, number>;
  /** People whose factors were reset or removed, and when. */
  removals: Map<string, number>;
}
/** Per engine, not in the snapshot: hours of news. */
const STATES = new WeakMap<OrgStats, State>();
const newState = (): State => ({ newDeviceSessions: new Map(), removals: new Map() });

/** The person a factor change names: its `User:` target, else the actor acting on themselves. */
function factorOwner(ctx: DetectionContext): string | undefined {
  const r = ctx.ev.resource;
  return r?.startsWith('User:') ? r.slice(5) : ctx.ev.principal;
}

/**
 * A factor enrolled in a session signed in on a device its person never used: the adversary-in-the-middle's next
 * step (EvilProxy, Tycoon 2FA) once the proxy holds the session, wherever its exit is (a residential proxy in the
 * victim's own town and ISP looks like home): an authenticator of the attacker's own, so that the stolen session's end
 * does not end the access. Within `ENROL_WINDOW_MS` of that sign-in, for a person with a history of known devices,
 * and not within a day of their factors being reset or removed (a lost phone replaced, a new laptop set up by its
 * owner, who removes the old phone's Okta Verify first). High, at the enrolment; medium from an address among the
 * person's most used (a new laptop set up at home: a proxy exit in the victim's town and ISP still has another address).
 *
 * Needs the sign-in on the new device to be in the log; a new hire has no known devices yet.
 *
 * @example
 * ```ts
 * factorOnNewDevice(ctx, 'user.mfa.factor.activate', findings); // before the device is learned as theirs
 * ```
 */
export function factorOnNewDevice(ctx: DetectionContext, type: string, out: Finding[]): void {
  if (ctx.ev.outcome === 'failure' || ctx.ev.attributes?.okta_internal === true) return;
  const state = orgState(STATES, ctx.org, newState);
  if (FACTOR_REMOVALS.has(type)) {
    const owner = factorOwner(ctx);
    if (owner !== undefined) rememberLatest(state.removals, owner, ctx.now, MAX_TRACKED);
    return;
  }
  const session = ctx.ev.credential_kind === 'saas_session' ? ctx.ev.credential_key : undefined;
  if (session === undefined) return;
  if (SIGN_IN_STEPS.has(type)) {
    if (unknownOktaDevice(ctx) && !state.newDeviceSessions.has(session))
      rememberLatest(state.newDeviceSessions, session, ctx.now, MAX_TRACKED);
    return;
  }
  if (type !== 'user.mfa.factor.activate') return;
  const signedIn = state.newDeviceSessions.get(session);
  if (signedIn === undefined || ctx.now - signedIn > ENROL_WINDOW_MS || ctx.now < signedIn) return;
  const owner = factorOwner(ctx);
  const removed = owner === undefined ? undefined : state.removals.get(owner);
  if (removed !== undefined && ctx.now - removed <= REPLACEMENT_WINDOW_MS) return;
  state.newDeviceSessions.delete(session);
  // The person's own address (one of their most used, not merely their town and ISP) before this session, whose own
  // sign-in steps the principal has just learned: a new laptop set up at home.
  const knownIp =
    ctx.ipHash !== 0 &&
    ctx.principal !== ctx.cred &&
    topKCount(ctx.principal.u, ctx.principal.uo + U_IP, K_IP, ctx.ipHash) > topKCount(ctx.cred.u, ctx.cred.uo + U_IP, K_IP, ctx.ipHash);
  out.push(
    oktaPlaybookFinding(
      ctx,
      'factor_on_new_device',
      knownIp ? ctx.cfg.oktaTakeover.score * KNOWN_ADDRESS_WEIGHT : ctx.cfg.oktaTakeover.score,
      STAGE_PERSISTENCE,
      `${ctx.ev.principal ?? 'a person'} enrolled a factor ${Math.round((ctx.now - signedIn) / 60_000)} min after signing in on a device they never used, with none of their factors reset or removed: an authenticator of whoever holds the session`,
      { signed_in: new Date(signedIn).toISOString(), factor_owner: owner, known_ip: knownIp },
    ),
  );
}
