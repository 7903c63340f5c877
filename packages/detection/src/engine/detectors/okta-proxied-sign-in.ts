import { STAGE_VALIDITY_CHECK } from '../classify/operation-class.js';
import { K_ASN, U_ASN } from '../profile/layout.js';
import type { OrgStats } from '../profile/org-stats.js';
import { topKCount } from '../sketches/top-k.js';
import { oktaPlaybookFinding } from './okta-playbook-finding.js';
import { orgState, rememberLatest } from './org-memory.js';
import type { DetectionContext, Finding } from './types.js';

/** Device tokens remembered per person (their browsers and phones); the oldest is forgotten first. */
const DEVICES_PER_PERSON = 6;
/** People followed at once; the least recently seen is forgotten first. */
const MAX_PEOPLE = 100_000;
/** Events from known devices a person needs before a device of theirs can be new. */
const MIN_DEVICE_EVENTS = 10;

interface PersonDevices {
  devices: number[];
  events: number;
  /** The proxy's device, once reported: the rest of its sign-in and session are the same news. */
  reported: number;
}

/** The steps of a sign-in Okta logs as it happens: the proxy's first appearance is one of them. */
const SIGN_IN_STEPS: ReadonlySet<string> = new Set([
  'policy.evaluate_sign_on',
  'user.authentication.auth_via_mfa',
  'user.authentication.sso',
  'user.session.start',
]);

/** Per engine (keyed by its organisation statistics), not in the snapshot: after a restart the devices are learned again. */
const PEOPLE = new WeakMap<OrgStats, Map<string, PersonDevices>>();

const newPeople = (): Map<string, PersonDevices> => new Map();

/**
 * A sign-in relayed by an adversary-in-the-middle phishing proxy (Evilginx, EvilProxy, Tycoon 2FA): the person types
 * their password and approves MFA on the attacker's page, which signs in to Okta for them from the attacker's server.
 * Okta logs a successful sign-in (its policy evaluation, MFA and `user.session.start`) from a hosting network with the person's own browser string (the proxy
 * relays it), but with a device token (`dtHash`) none of the person's browsers ever had: the device cookie belongs to
 * Okta's domain, and the proxy's domain is another. The session the proxy captured is then the attacker's.
 *
 * High, before anything is done with the session, when the person has a history of known devices, the network is a
 * hosting network neither they nor the organisation use (a company's cloud gateway is common to its people), and the
 * device is new to them. A person on their own laptop behind a VPN in a data centre sends the laptop's device token;
 * a new laptop at home or in a hotel is on a residential or business network.
 *
 * @example
 * ```ts
 * proxiedSignIn(ctx, 'user.session.start', findings);
 * ```
 */
export function proxiedSignIn(ctx: DetectionContext, type: string, out: Finding[]): void {
  const who = ctx.ev.principal;
  if (who === undefined || ctx.deviceHash === 0 || ctx.ev.outcome === 'failure' || ctx.ev.attributes?.okta_internal === true) return;
  const people = orgState(PEOPLE, ctx.org, newPeople);
  let person = people.get(who);
  const known = person?.devices.includes(ctx.deviceHash) === true;
  const proxied =
    !known &&
    person !== undefined &&
    person.events >= MIN_DEVICE_EVENTS &&
    person.reported !== ctx.deviceHash &&
    SIGN_IN_STEPS.has(type) &&
    ctx.kind === 'hosting' &&
    ctx.asn !== 0 &&
    topKCount(ctx.principal.u, ctx.principal.uo + U_ASN, K_ASN, ctx.asn) === 0 &&
    !ctx.org.isCommon(ctx.org.asns, ctx.asn);
  if (proxied && person !== undefined) {
    person.reported = ctx.deviceHash;
    out.push(
      oktaPlaybookFinding(
        ctx,
        'proxied_sign_in',
        ctx.cfg.oktaTakeover.score,
        STAGE_VALIDITY_CHECK,
        `${who} signed in from a hosting network (${ctx.ev.geo?.as_org ?? `AS${ctx.asn}`}) they never used, on a device they never used (${person.devices.length} known): a sign-in relayed by a phishing proxy`,
        { known_devices: person.devices.length, device_events: person.events, user_agent: ctx.ev.user_agent },
      ),
    );
  }
  // A device joins the person's own only from a session not already suspect: not the proxy's.
  if (!known && (proxied || ctx.suspicion >= ctx.cfg.chain.contextMinScore)) return;
  person ??= { devices: [], events: 0, reported: 0 };
  rememberLatest(people, who, person, MAX_PEOPLE);
  person.events++;
  if (!known) {
    if (person.devices.length >= DEVICES_PER_PERSON) person.devices.shift();
    person.devices.push(ctx.deviceHash);
  }
}

/**
 * True when the event's device token (`dtHash`) is one of its person's known browsers or phones, as the phishing-proxy
 * rule has learned them from their sessions not already suspect.
 *
 * @example
 * ```ts
 * if (knownOktaDevice(ctx)) return; // the person's own laptop
 * ```
 */
export function knownOktaDevice(ctx: DetectionContext): boolean {
  const who = ctx.ev.principal;
  if (who === undefined || ctx.deviceHash === 0) return false;
  return PEOPLE.get(ctx.org)?.get(who)?.devices.includes(ctx.deviceHash) === true;
}

/**
 * True when the person has a history of known devices (`MIN_DEVICE_EVENTS` events from them) and the event's device
 * token is not one of them: a browser of theirs never seen, or someone else's.
 *
 * @example
 * ```ts
 * if (unknownOktaDevice(ctx)) rememberSession(ctx);
 * ```
 */
export function unknownOktaDevice(ctx: DetectionContext): boolean {
  const who = ctx.ev.principal;
  if (who === undefined || ctx.deviceHash === 0) return false;
  const person = PEOPLE.get(ctx.org)?.get(who);
  return person !== undefined && person.events >= MIN_DEVICE_EVENTS && !person.devices.includes(ctx.deviceHash);
}
