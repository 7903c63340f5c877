/**
 * Attacks on the Okta org of `okta-org.ts`: an infostealer's copy of the administrator's session cookie replayed
 * from a VPS abroad; the provisioning API token used from a foreign residential network; carol's session used by a
 * thief in another city while she works.
 */
import { API_TOKEN, PEOPLE, START, workSession } from './okta-org.js';
import { BROWSERS, type OktaEventSpec, oktaId, PLACES, sessionId } from './okta-writer.js';
import { HOUR, MIN, type Prng, weekdays } from './prng.js';

export interface OktaAttack {
  events: OktaEventSpec[];
  credential: string;
  startAt: number;
  damageAt: number;
}

const DAYS = weekdays(START, 20);

/**
 * sam's session of the twelfth workday, replayed from Hetzner Helsinki with Windows Chrome two hours after sign-in.
 * The infostealer dumped every cookie, so the replay carries sam's device token too.
 */
export function stolenAdminSession(): OktaAttack {
  const i = 11;
  const session = sessionId(`sam${i}`);
  const t = DAYS[i]! + 17 * HOUR;
  const deviceToken = `${PEOPLE.sam.id}|CHROME|Mac OS X`;
  const thief = (minutes: number, eventType: string, prefix: string, type: string, name: string, requestUri: string): OktaEventSpec => ({
    at: t + minutes * MIN,
    actor: PEOPLE.sam,
    session,
    place: PLACES.hetznerFi,
    ua: BROWSERS.winChrome,
    deviceToken,
    eventType,
    target: [{ id: oktaId(prefix, name), type, alternateId: type === 'User' ? PEOPLE.bob.alternateId : 'unknown', displayName: name }],
    requestUri,
  });
  const events = [
    thief(0, 'user.session.access_admin_app', '0oa', 'AppInstance', 'Okta Admin Console', '/admin/sso/callback'),
    thief(3, 'system.api_token.create', '00T', 'Token', 'okta-sync', '/api/internal/tokens'),
    thief(5, 'user.mfa.factor.reset_all', '00u', 'User', PEOPLE.bob.displayName, `/api/v1/users/${PEOPLE.bob.id}/lifecycle/reset_factors`),
    thief(7, 'zone.update', 'nzo', 'Zone', 'Corporate network', '/api/v1/zones/x'),
    thief(8, 'policy.lifecycle.update', '00p', 'Policy', 'Default sign-on policy', '/api/v1/policies/x'),
    thief(
      9,
      'app.oauth2.as.policy.rule.update',
      '0pr',
      'PolicyRule',
      'Default Policy Rule',
      '/api/v1/authorizationServers/default/policies/x/rules/y',
    ),
  ];
  return { events, credential: session, startAt: t, damageAt: t + 3 * MIN };
}

/** The provisioning token, from a Moscow ISP with a script, in the afternoon: a new user made super admin. */
export function stolenApiToken(): OktaAttack {
  const t = DAYS[12]! + 11 * HOUR;
  const s = { actor: PEOPLE.scim, session: 'unknown', apiToken: API_TOKEN, place: PLACES.moscow, ua: 'python-requests/2.31.0' };
  const newbie = { id: oktaId('00u', 'svc-backup'), type: 'User', alternateId: 'svc-backup@acme.io', displayName: 'svc backup' };
  const events: OktaEventSpec[] = [
    { ...s, at: t, eventType: 'user.lifecycle.create', target: [newbie], requestUri: '/api/v1/users' },
    {
      ...s,
      at: t + 30_000,
      eventType: 'user.lifecycle.activate',
      target: [newbie],
      requestUri: `/api/v1/users/${newbie.id}/lifecycle/activate`,
    },
    {
      ...s,
      at: t + 60_000,
      eventType: 'user.account.privilege.grant',
      target: [newbie],
      requestUri: `/api/v1/users/${newbie.id}/roles`,
      displayMessage: 'Grant user privilege',
    },
    {
      ...s,
      at: t + 90_000,
      eventType: 'group.user_membership.add',
      target: [newbie, { id: oktaId('00g', 'admins'), type: 'UserGroup', alternateId: 'unknown', displayName: 'Okta Super Admins' }],
    },
  ];
  return { events, credential: API_TOKEN, startAt: t, damageAt: t };
}

/** carol's session copied and used at the same time from a New York residential proxy with Chrome on Windows. */
export function concurrentSession(): OktaAttack {
  const i = 13;
  const session = sessionId(`carol${i}`);
  const t = DAYS[i]! + 18 * HOUR + 10 * MIN;
  const s = { actor: PEOPLE.carol, session, place: PLACES.nyHome, ua: BROWSERS.winChrome };
  const apps = ['Salesforce', 'Google Workspace', 'Atlassian Cloud', 'GitHub Enterprise Cloud'];
  const events: OktaEventSpec[] = apps.map((name, k) => ({
    ...s,
    at: t + k * 4 * MIN,
    eventType: 'user.authentication.sso',
    target: [{ id: oktaId('0oa', name), type: 'AppInstance', alternateId: name, displayName: name }],
    requestUri: '/app/x/sso/saml',
  }));
  events.push({
    ...s,
    at: t + 20 * MIN,
    eventType: 'user.mfa.factor.activate',
    target: [{ id: PEOPLE.carol.id, type: 'User', alternateId: PEOPLE.carol.alternateId, displayName: PEOPLE.carol.displayName }],
    displayMessage: 'User set up Okta Verify factor',
  });
  return { events, credential: session, startAt: t, damageAt: t + 20 * MIN };
}

/**
 * sam's session replayed over Tor, with sam's own browser string and device token (an infostealer's full cookie
 * dump): nothing is new but the network, and a signed-in session does not move onto Tor by itself.
 */
export function torSessionReplay(): OktaAttack {
  const i = 11;
  const session = sessionId(`sam${i}`);
  const t = DAYS[i]! + 17 * HOUR;
  const base = {
    actor: PEOPLE.sam,
    session,
    place: PLACES.torExit,
    ua: BROWSERS.macChrome124,
    deviceToken: `${PEOPLE.sam.id}|CHROME|Mac OS X`,
  };
  const admin = {
    id: oktaId('0oa', 'Okta Admin Console'),
    type: 'AppInstance',
    alternateId: 'Okta Admin Console',
    displayName: 'Okta Admin Console',
  };
  const events: OktaEventSpec[] = [
    { ...base, at: t, eventType: 'user.session.access_admin_app', target: [admin], requestUri: '/admin/sso/callback' },
    {
      ...base,
      at: t + 3 * MIN,
      eventType: 'system.api_token.create',
      target: [{ id: oktaId('00T', 'tor'), type: 'Token', alternateId: 'unknown', displayName: 'sync' }],
    },
  ];
  return { events, credential: session, startAt: t, damageAt: t + 3 * MIN };
}

/** dan signs in with Tor Browser one evening (a new session that starts on Tor): novelty, not a copied session. */
export function torBrowserSession(rng: Prng): OktaEventSpec[] {
  return workSession(
    rng,
    DAYS[12]!,
    PEOPLE.dan,
    sessionId('dan-tor'),
    () => PLACES.torExit,
    () => BROWSERS.torBrowser,
    23,
    24,
  );
}
