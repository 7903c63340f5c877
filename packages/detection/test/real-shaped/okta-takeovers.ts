/**
 * Identity takeovers of the Okta org of `okta-org.ts`, as the published incidents ran them: MFA push fatigue on carol
 * from a clean home line, the 2023 cross-tenant impersonation from sam's stolen admin session, and sam's session
 * cookie (taken from a support HAR file) replayed through a residential proxy with his own browser and device token.
 * And a helpdesk agent resetting callers' MFA and passwords every workday, which must not page.
 */
import { API_TOKEN, PEOPLE, START, workSession } from './okta-org.js';
import { BROWSERS, type OktaActor, type OktaEventSpec, type OktaPlace, oktaId, PLACES, sessionId } from './okta-writer.js';
import { HOUR, MIN, type Prng, weekdays } from './prng.js';

export interface OktaTakeover {
  events: OktaEventSpec[];
  /** The credential that must page. */
  credential: string;
  startAt: number;
  /** The page must come strictly before this (to the second). */
  damageAt: number;
}

const DAYS = weekdays(START, 20);
const user = (a: OktaActor) => ({ id: a.id, type: 'User', alternateId: a.alternateId, displayName: a.displayName });
const adminApp = {
  id: oktaId('0oa', 'Okta Admin Console'),
  type: 'AppInstance',
  alternateId: 'Okta Admin Console',
  displayName: 'Okta Admin Console',
};
const app = (name: string) => ({ id: oktaId('0oa', name), type: 'AppInstance', alternateId: name, displayName: name });

/**
 * carol's password, bought from a stealer log, tried at 21:00 Denver time from a home line in New York: Okta Verify
 * pushes to her phone until she taps "approve" on the fifth. The refusals are logged on the sign-in's own session and
 * client. The page must come before the thief opens her first app.
 */
export function pushFatigue(): OktaTakeover {
  const t = DAYS[13]! + 3 * HOUR;
  const session = sessionId('carol-fatigue');
  const s = { actor: PEOPLE.carol, session, place: PLACES.nyHome, ua: BROWSERS.winChrome };
  const events: OktaEventSpec[] = [{ ...s, at: t, eventType: 'policy.evaluate_sign_on', result: 'ALLOW', requestUri: '/idp/idx/identify' }];
  for (let k = 0; k < 5; k++) {
    const at = t + (k + 1) * 50_000;
    events.push({
      ...s,
      at,
      eventType: 'system.push.send_factor_verify_push',
      target: [user(PEOPLE.carol)],
      requestUri: '/idp/idx/challenge',
      displayMessage: 'Push notification sent for verification',
    });
    if (k < 4) {
      events.push({
        ...s,
        at: at + 15_000,
        eventType: 'user.mfa.okta_verify.deny_push',
        result: 'FAILURE',
        reason: 'User rejected Okta push verify',
        requestUri: '/idp/idx/authenticators/poll',
        displayMessage: 'User rejected Okta push verify',
      });
    }
  }
  const in_ = t + 5 * 50_000 + 20_000;
  events.push(
    { ...s, at: in_, eventType: 'user.authentication.auth_via_mfa', requestUri: '/idp/idx/authenticators/poll' },
    { ...s, at: in_ + 1_000, eventType: 'user.session.start', displayMessage: 'User login to Okta' },
    { ...s, at: in_ + 2 * MIN, eventType: 'user.authentication.sso', target: [app('Google Workspace')], requestUri: '/app/x/sso/saml' },
  );
  return { events, credential: session, startAt: t, damageAt: in_ + 2 * MIN };
}

const idp = { id: oktaId('0oa', 'second-idp'), type: 'IdentityProvider', alternateId: 'unknown', displayName: 'Okta IdP 2' };

/** bob or carol signed in through the attacker's identity provider, from the attacker's address: a new session each. */
function viaIdp(victim: OktaActor, at: number, place: OktaPlace): OktaEventSpec[] {
  const session = sessionId(`idp-${victim.alternateId}`);
  const s = { actor: victim, session, place, ua: BROWSERS.macChrome124, requestUri: `/sso/idps/${idp.id}` };
  return [
    { ...s, at, eventType: 'user.authentication.auth_via_IDP', target: [idp], displayMessage: 'Authenticate user via IDP' },
    { ...s, at: at + 2_000, eventType: 'user.session.start', displayMessage: 'User login to Okta' },
    { ...s, at: at + MIN, eventType: 'user.authentication.sso', target: [app('Salesforce')], requestUri: '/app/x/sso/saml' },
  ];
}

/**
 * Cross-tenant impersonation: sam's admin session, used from a home line in New York (no proxy flag, his browser),
 * makes and switches on a second identity provider and routes sign-ins to it, then signs in as bob and as carol
 * through it from the same address. The page must come by the second person's session, before their first app.
 */
export function crossTenantImpersonation(): OktaTakeover {
  const t = DAYS[14]! + 17 * HOUR;
  const session = sessionId('sam14');
  const s = { actor: PEOPLE.sam, session, place: PLACES.nyHome, ua: BROWSERS.macChrome124 };
  const events: OktaEventSpec[] = [
    { ...s, at: t, eventType: 'user.session.access_admin_app', target: [adminApp], requestUri: '/admin/sso/callback' },
    { ...s, at: t + 4 * MIN, eventType: 'system.idp.lifecycle.create', target: [idp], requestUri: '/api/v1/idps' },
    {
      ...s,
      at: t + 5 * MIN,
      eventType: 'system.idp.lifecycle.activate',
      target: [idp],
      requestUri: `/api/v1/idps/${idp.id}/lifecycle/activate`,
    },
    {
      ...s,
      at: t + 7 * MIN,
      eventType: 'policy.rule.update',
      target: [{ id: oktaId('0pr', 'routing'), type: 'PolicyRule', alternateId: 'unknown', displayName: 'Default routing rule' }],
      requestUri: '/api/v1/policies/x/rules/y',
    },
    ...viaIdp(PEOPLE.bob, t + 12 * MIN, PLACES.nyHome),
    ...viaIdp(PEOPLE.carol, t + 15 * MIN, PLACES.nyHome),
  ];
  return { events, credential: sessionId(`idp-${PEOPLE.carol.alternateId}`), startAt: t, damageAt: t + 16 * MIN };
}

/**
 * A person's session of workday `day` (as okta-org.ts names it) continued through the residential proxy, with their
 * own browser string and device token (`browser|os` as Okta logs them): an infostealer or a HAR file carries both.
 */
function throughProxy(who: OktaActor, day: number, ua: string, browserOs: string) {
  const login = who.alternateId.split('@')[0]!;
  return { actor: who, session: sessionId(`${login}${day}`), place: PLACES.residentialProxy, ua, deviceToken: `${who.id}|${browserOs}` };
}

/**
 * sam's session cookie, lifted from a HAR file he uploaded to a support case, replayed through a residential proxy
 * Okta flags, with his own browser string and device token: a backdoor user made a super admin, then an API token.
 * The page must come before the backdoor user is made an administrator.
 */
export function harSessionReplay(): OktaTakeover {
  const t = DAYS[14]! + 18 * HOUR;
  const s = throughProxy(PEOPLE.sam, 14, BROWSERS.macChrome124, 'CHROME|Mac OS X');
  const session = s.session;
  const backdoor = { id: oktaId('00u', 'svc-okta-sync'), type: 'User', alternateId: 'svc-okta-sync@acme.io', displayName: 'svc okta sync' };
  const events: OktaEventSpec[] = [
    { ...s, at: t, eventType: 'user.session.access_admin_app', target: [adminApp], requestUri: '/admin/sso/callback' },
    { ...s, at: t + 5 * MIN, eventType: 'user.lifecycle.create', target: [backdoor], requestUri: '/api/v1/users' },
    { ...s, at: t + 6 * MIN, eventType: 'user.account.privilege.grant', target: [backdoor], displayMessage: 'Grant user privilege' },
    {
      ...s,
      at: t + 8 * MIN,
      eventType: 'system.api_token.create',
      target: [{ id: oktaId('00T', 'har'), type: 'Token', alternateId: 'unknown', displayName: 'okta-sync' }],
    },
  ];
  return { events, credential: session, startAt: t, damageAt: t + 6 * MIN };
}

/**
 * The provisioning API token, copied off its server and used from a VPS with a script: the Okta administrator's
 * factors and password reset, then a super admin role for him (the thief will sign in as him next). The page must
 * come at the grant, before the thief signs in.
 */
export function stolenTokenTakeover(): OktaTakeover {
  const t = DAYS[14]! + 4 * HOUR;
  const s = { actor: PEOPLE.scim, session: 'unknown', apiToken: API_TOKEN, place: PLACES.hetznerFi, ua: 'python-requests/2.31.0' };
  const sam = [user(PEOPLE.sam)];
  const events: OktaEventSpec[] = [
    {
      ...s,
      at: t,
      eventType: 'user.mfa.factor.reset_all',
      target: sam,
      requestUri: `/api/v1/users/${PEOPLE.sam.id}/lifecycle/reset_factors`,
    },
    {
      ...s,
      at: t + MIN,
      eventType: 'user.account.reset_password',
      target: sam,
      requestUri: `/api/v1/users/${PEOPLE.sam.id}/lifecycle/reset_password`,
    },
    { ...s, at: t + 2 * MIN, eventType: 'user.account.privilege.grant', target: sam, requestUri: `/api/v1/users/${PEOPLE.sam.id}/roles` },
  ];
  const thief = { actor: PEOPLE.sam, session: sessionId('sam-taken'), place: PLACES.hetznerFi, ua: BROWSERS.winChrome };
  events.push({ ...thief, at: t + 10 * MIN, eventType: 'user.session.start', displayMessage: 'User login to Okta' });
  return { events, credential: API_TOKEN, startAt: t, damageAt: t + 10 * MIN };
}

/**
 * dan's session, copied by an infostealer, continued through a residential proxy Okta flags, with his own browser
 * string and device token; Okta's roaming detection reports the move. The page must come before the first app.
 */
export function roamedOntoProxy(): OktaTakeover {
  const t = DAYS[14]! + 20 * HOUR;
  const s = throughProxy(PEOPLE.dan, 14, BROWSERS.winEdge, 'EDGE_CHROMIUM|Windows 10');
  const session = s.session;
  const events: OktaEventSpec[] = [
    {
      ...s,
      at: t,
      eventType: 'security.session.detect_client_roaming',
      severity: 'WARN',
      displayMessage: 'Roaming session detected',
      debugData: { behaviors: '{New Geo-Location=POSITIVE, New Device=NEGATIVE, New IP=POSITIVE, New City=POSITIVE}' },
    },
    {
      ...s,
      at: t + 2 * MIN,
      eventType: 'user.authentication.sso',
      target: [app('GitHub Enterprise Cloud')],
      requestUri: '/app/x/sso/saml',
    },
  ];
  return { events, credential: session, startAt: t, damageAt: t + 2 * MIN };
}

/**
 * sam sets up a partner's federation at his desk behind the office gateway: a new identity provider, switched on,
 * a routing rule, then one sign-in through it with a test account. An administrator's work, not a takeover.
 */
export function newFederation(): OktaEventSpec[] {
  const t = DAYS[13]! + 16 * HOUR;
  const s = { actor: PEOPLE.sam, session: sessionId('sam13'), place: PLACES.zscalerUs, ua: BROWSERS.macChrome124 };
  const partner = { id: oktaId('0oa', 'partner-idp'), type: 'IdentityProvider', alternateId: 'unknown', displayName: 'Partner Entra ID' };
  const tester: OktaActor = { id: oktaId('00u', 'idp-test'), type: 'User', alternateId: 'idp-test@acme.io', displayName: 'IdP Test' };
  return [
    { ...s, at: t, eventType: 'user.session.access_admin_app', target: [adminApp], requestUri: '/admin/sso/callback' },
    { ...s, at: t + 6 * MIN, eventType: 'system.idp.lifecycle.create', target: [partner], requestUri: '/api/v1/idps' },
    { ...s, at: t + 8 * MIN, eventType: 'system.idp.lifecycle.activate', target: [partner] },
    {
      ...s,
      at: t + 10 * MIN,
      eventType: 'policy.rule.update',
      target: [{ id: oktaId('0pr', 'partner-route'), type: 'PolicyRule', alternateId: 'unknown', displayName: 'Route partner.com' }],
    },
    ...viaIdp(tester, t + 15 * MIN, PLACES.zscalerUs),
  ];
}

/** hank on the helpdesk: every workday from the Austin office, three callers' MFA or passwords reset and accounts unlocked. */
export const HANK: OktaActor = { id: oktaId('00u', 'hank'), type: 'User', alternateId: 'hank@acme.io', displayName: 'Hank Morales' };
const AUSTIN_OFFICE: OktaPlace = {
  ip: '12.145.20.10',
  city: 'Austin',
  state: 'Texas',
  country: 'United States',
  lat: 30.2672,
  lon: -97.7431,
  asn: 7018,
  asOrg: 'at&t enterprises  llc',
  isp: 'at&t enterprises  llc',
  domain: 'att.net',
};

export function helpdeskDays(rng: Prng): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  const callers = [PEOPLE.bob, PEOPLE.carol, PEOPLE.dan, PEOPLE.erin];
  for (const [i, day] of DAYS.entries()) {
    const session = sessionId(`hank${i}`);
    out.push(
      ...workSession(
        rng,
        day,
        HANK,
        session,
        () => AUSTIN_OFFICE,
        () => BROWSERS.winEdge,
        14,
        22,
      ),
    );
    const s = { actor: HANK, session, place: AUSTIN_OFFICE, ua: BROWSERS.winEdge };
    for (let k = 0; k < 3; k++) {
      const who = rng.pick(callers);
      const at = day + (15 + 2 * k) * HOUR + rng.int(0, 50) * MIN;
      out.push(
        { ...s, at, eventType: 'user.session.access_admin_app', target: [adminApp], requestUri: '/admin/sso/callback' },
        {
          ...s,
          at: at + MIN,
          eventType: rng.pick(['user.mfa.factor.reset_all', 'user.account.reset_password', 'user.mfa.factor.deactivate']),
          target: [user(who)],
          requestUri: `/api/v1/users/${who.id}/lifecycle/reset_factors`,
        },
        { ...s, at: at + 2 * MIN, eventType: 'user.account.unlock', target: [user(who)] },
      );
    }
  }
  return out;
}
