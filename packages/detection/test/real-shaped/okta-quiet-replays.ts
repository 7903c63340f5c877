/**
 * Quiet thefts in the Okta org of `okta-org.ts`: stolen sessions and tokens used so as to look like their owners.
 *
 * - An infostealer's session replay through residential proxy exits in the victim's own city (the 2023-2024 wave of
 *   stealer-log session hijacks: Lumma, RedLine and Raccoon dump every cookie, the `idx` session and the `DT` device
 *   token with it, and the buyers replay them through residential proxy services that sell exits by city and ISP, so
 *   the address lands where the victim lives; the proxy's exit rotates every few minutes). An Okta administrator's
 *   session, used alongside her, to reach the admin console and mint an API token.
 * - Low and slow: a stolen session used a few minutes each evening for five days from a home line abroad, with the
 *   owner's browser and device token, before the thief enrolls an authenticator of his own.
 * - Device-code phishing (the 2024-2025 campaigns of Storm-2372 and others, aimed at Okta as well as Entra ID): the
 *   attacker starts a device authorization with a real public client the org runs (okta-aws-cli), the victim approves
 *   the code in her own signed-in browser, and the attacker's poller on a VPS redeems it for tokens with
 *   `offline_access`, then keeps refreshing them.
 *
 * And what these must not be confused with: the administrator's own three weeks, and engineers running okta-aws-cli
 * from their laptops each morning, one of them on a cloud bastion once.
 */
import { PEOPLE, START, workSession } from './okta-org.js';
import type { OktaTakeover } from './okta-takeovers.js';
import {
  BROWSERS,
  type OktaActor,
  type OktaEventSpec,
  type OktaPlace,
  oktaId,
  PLACES,
  sessionId,
  tokenTarget,
  userTarget,
} from './okta-writer.js';
import { DAY, HOUR, MIN, type Prng, weekdays } from './prng.js';

const DAYS = weekdays(START, 20);
const app = (name: string) => ({ id: oktaId('0oa', name), type: 'AppInstance', alternateId: name, displayName: name });
const ADMIN_APP = app('Okta Admin Console');

/** A place with Okta's ASN fields; `geo` as DB-IP (and Okta) put the address. */
function place(
  ip: string,
  geo: { city: string; state: string; country: string; lat: number; lon: number },
  asn: number,
  isp: string,
  domain: string,
): OktaPlace {
  return { ip, ...geo, asn, asOrg: isp, isp, domain };
}

const DENVER = { city: 'Denver', state: 'Colorado', country: 'United States', lat: 39.7392, lon: -104.99 };
const CENTURYLINK = [209, 'centurylink communications  llc', 'centurylink.net'] as const;

/** nadia's home line: Comcast in Denver (DB-IP: Denver, AS7922). */
export const NADIA_HOME = place('73.169.10.5', DENVER, 7922, 'comcast cable communications  llc', 'comcast.net');

/**
 * The residential proxy's exits the thief got for "Denver, not Comcast": subscribers' lines on CenturyLink and
 * Charter (Spectrum) that DB-IP and Okta both put in Denver. `isProxy` as Okta's own check reports them.
 */
export function denverProxyExits(isProxy: boolean): OktaPlace[] {
  return [
    place('184.99.8.41', DENVER, ...CENTURYLINK),
    place('174.85.48.77', DENVER, 20115, 'charter communications inc', 'spectrum.com'),
    place('65.100.16.130', DENVER, ...CENTURYLINK),
    place('184.99.36.12', DENVER, ...CENTURYLINK),
  ].map((p) => ({ ...p, isProxy }));
}

/** A home line of Bharti Airtel's broadband in New Delhi (DB-IP: New Delhi, AS24560); it changes address some nights. */
const DELHI = { city: 'New Delhi', state: 'Delhi', country: 'India', lat: 28.5491, lon: 77.2687 };
export const AIRTEL_DELHI = [
  place('122.161.10.5', DELHI, 24560, 'bharti airtel ltd.', 'airtelbroadband.in'),
  place('117.96.10.5', DELHI, 24560, 'bharti airtel ltd.', 'airtelbroadband.in'),
];

/** A Vultr VPS in New Jersey (DB-IP: Piscataway, AS20473 The Constant Company, hosting), near the victim's New York. */
export const VULTR_NJ = place(
  '108.61.10.5',
  { city: 'Piscataway', state: 'New Jersey', country: 'United States', lat: 40.55, lon: -74.4758 },
  20473,
  'the constant company  llc',
  'vultr.com',
);

/** nadia: the org's second Okta administrator, working from home in Denver (09:00-18:00 MDT), Chrome on a Mac. */
export const NADIA: OktaActor = { id: oktaId('00u', 'nadia'), type: 'User', alternateId: 'nadia@acme.io', displayName: 'Nadia Brooks' };

/** The day of the replay (a Thursday), as the index of okta-org.ts's workdays. */
const REPLAY_DAY = 13;

/**
 * nadia's own weeks: a session each morning, apps all day, the admin console most days and an access change or two
 * for colleagues. On the replay day her session goes on as usual, beside the thief's.
 */
export function nadiaWeeks(rng: Prng): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  for (const [i, day] of DAYS.entries()) {
    const session = sessionId(`nadia${i}`);
    out.push(
      ...workSession(
        rng,
        day,
        NADIA,
        session,
        () => NADIA_HOME,
        () => BROWSERS.macChrome125,
        15,
        24,
      ),
    );
    const s = { actor: NADIA, session, place: NADIA_HOME, ua: BROWSERS.macChrome125 };
    const a = day + 16 * HOUR + rng.int(0, 90) * MIN;
    out.push({ ...s, at: a, eventType: 'user.session.access_admin_app', target: [ADMIN_APP], requestUri: '/admin/sso/callback' });
    if (i % 3 === 1) {
      const who = rng.pick([PEOPLE.bob, PEOPLE.carol, PEOPLE.dan, PEOPLE.erin]);
      out.push({
        ...s,
        at: a + 8 * MIN,
        eventType: 'application.user_membership.add',
        target: [userTarget(who), app('Atlassian Cloud')],
        displayMessage: 'Add user to application membership',
      });
    }
  }
  return out;
}

/**
 * A2. An infostealer on nadia's Mac dumped her browser's cookies mid-morning: her current session (`idx`) and her
 * device token. Ninety minutes later the buyer replays the session alongside her through a residential proxy sold by
 * city, exits in Denver on CenturyLink and Charter while she is on Comcast, the exit rotating three times in 50 minutes:
 * an app, the admin console, then an API token to stay in after the session dies. Her own work goes on from home in
 * the same session. `isProxy` is what Okta's proxy check said of the exits (often nothing, for a residential line).
 * The page must come before the API token.
 */
export function cityMatchedSessionReplay(isProxy: boolean): OktaTakeover {
  const day = DAYS[REPLAY_DAY]!;
  const t = day + 17 * HOUR + 32 * MIN + 10_000;
  const exits = denverProxyExits(isProxy);
  const session = sessionId(`nadia${REPLAY_DAY}`);
  // Same browser string; the device token is nadia's own (the writer's default for her, Chrome and Mac OS X).
  const s = { actor: NADIA, session, ua: BROWSERS.macChrome125 };
  const damageAt = t + 48 * MIN;
  const events: OktaEventSpec[] = [
    {
      ...s,
      place: exits[0]!,
      at: t,
      eventType: 'user.authentication.sso',
      target: [app('Google Workspace')],
      requestUri: '/app/x/sso/saml',
      displayMessage: 'User single sign on to app',
    },
    {
      ...s,
      place: exits[1]!,
      at: t + 14 * MIN,
      eventType: 'user.session.access_admin_app',
      target: [ADMIN_APP],
      requestUri: '/admin/sso/callback',
    },
    {
      ...s,
      place: exits[2]!,
      at: t + 29 * MIN,
      eventType: 'user.authentication.sso',
      target: [app('Slack')],
      requestUri: '/app/x/sso/saml',
      displayMessage: 'User single sign on to app',
    },
    {
      ...s,
      place: exits[3]!,
      at: damageAt,
      eventType: 'system.api_token.create',
      target: [{ id: oktaId('00T', 'nadia-stolen'), type: 'Token', alternateId: 'unknown', displayName: 'jira-sync' }],
      requestUri: '/api/internal/tokens',
      displayMessage: 'Create API token',
    },
  ];
  return { events, credential: session, startAt: t, damageAt };
}

/** The replay day's own session of nadia, as nadiaWeeks writes it (for a log that holds little else). */
export function nadiaReplayDay(rng: Prng): OktaEventSpec[] {
  const session = sessionId(`nadia${REPLAY_DAY}`);
  return nadiaWeeks(rng).filter((e) => e.session === session);
}

/** The workday whose session bob's infostealer took (a Friday: the thief's evenings run over the weekend). */
const SLOW_DAY = 9;

/**
 * A8. Low and slow: an infostealer took bob's session and his saved password on a Friday afternoon. The org lets a
 * session live a week and idle up to two days (its "stay signed in" setting); bob's browser clears cookies on exit, so
 * he signs in to a new session each morning, and the copy outlives his own use of it. The buyer gets the log a day
 * later (nothing in it is impossible travel by then) and, at home in New Delhi on Airtel broadband with bob's browser
 * string and device token, uses it ten or fifteen minutes each evening of Chicago (00:30-03:30 UTC, after bob has
 * logged off) for five evenings from Saturday: an app or two each time, Salesforce and Google Workspace, nothing an
 * administrator would see. On the fifth evening he re-verifies with the stolen password and enrolls his own Okta
 * Verify on bob's account: the damage, a factor that signs in as bob after the session dies.
 */
export function lowAndSlow(rng: Prng): OktaTakeover {
  const session = sessionId(`bob${SLOW_DAY}`);
  const s = { actor: PEOPLE.bob, session, ua: BROWSERS.macChrome125 };
  const first = DAYS[SLOW_DAY]! + 2 * DAY + 30 * MIN;
  const events: OktaEventSpec[] = [];
  for (let evening = 0; evening < 5; evening++) {
    let at = first + evening * DAY + rng.int(0, 120) * MIN;
    const where = AIRTEL_DELHI[evening < 3 ? 0 : 1]!;
    const visits = rng.int(2, 3);
    for (let k = 0; k < visits; k++) {
      events.push({
        ...s,
        place: where,
        at,
        eventType: 'user.authentication.sso',
        target: [app(rng.pick(['Salesforce', 'Google Workspace']))],
        requestUri: '/app/x/sso/saml',
        displayMessage: 'User single sign on to app',
      });
      at += rng.int(3, 8) * MIN;
    }
    if (evening === 4) {
      events.push({
        ...s,
        place: where,
        at: at + 2 * MIN,
        eventType: 'user.authentication.verify',
        requestUri: '/idp/idx/challenge/answer',
        displayMessage: 'Verify user identity',
        debugData: { factor: 'PASSWORD_AS_FACTOR' },
      });
    }
  }
  const last = events[events.length - 1]!;
  const damageAt = last.at + 3 * MIN;
  events.push({
    ...s,
    place: last.place,
    at: damageAt,
    eventType: 'user.mfa.factor.activate',
    target: [userTarget(PEOPLE.bob)],
    requestUri: '/idp/myaccount/authenticators',
    displayMessage: 'User set up Okta Verify factor',
  });
  return { events, credential: session, startAt: first, damageAt };
}

/** okta-aws-cli: an OIDC native app the org set up for AWS (device authorization grant), a public client. */
export const AWS_CLI: OktaActor = {
  id: oktaId('0oa', 'okta-aws-cli'),
  type: 'PublicClientApp',
  alternateId: oktaId('0oa', 'okta-aws-cli'),
  displayName: 'okta-aws-cli',
};
const AWS_CLI_APP = { id: AWS_CLI.id, type: 'AppInstance', alternateId: 'okta-aws-cli', displayName: 'okta-aws-cli' };
const AWS_CLI_UA = (os: 'darwin' | 'windows' | 'linux') => `okta-aws-cli/2.4.1 (go1.22.5; ${os}; amd64)`;
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * A person approving a device code in their signed-in browser (`/activate`): the app's sign-on policy, then the
 * approval. Okta's exact event type for the approval could not be checked offline; `app.oauth2.as.device.authorize` is
 * written here (the engine reads no event of that family today).
 */
function approveDeviceCode(at: number, who: OktaActor, session: string, where: OktaPlace, ua: string, scopes: string): OktaEventSpec[] {
  const s = { actor: who, session, place: where, ua, target: [AWS_CLI_APP], clientId: AWS_CLI.id };
  return [
    { ...s, at, eventType: 'policy.evaluate_sign_on', result: 'ALLOW', requestUri: '/idp/idx/device/activate' },
    {
      ...s,
      at: at + 6_000,
      eventType: 'app.oauth2.as.device.authorize',
      requestUri: '/oauth2/default/v1/device/verify',
      displayMessage: 'Device authorization granted',
      debugData: { clientId: AWS_CLI.id, requestedScopes: scopes },
    },
  ];
}

/** One redemption or refresh at the token endpoint: the tokens it hands out, one event each, the client as the actor. */
function tokenGrant(
  at: number,
  who: OktaActor,
  where: OktaPlace,
  ua: string,
  grantType: string,
  kinds: readonly ('access_token' | 'id_token' | 'refresh_token')[],
  scopes: string,
): OktaEventSpec[] {
  return kinds.map((kind, k) => ({
    actor: AWS_CLI,
    session: 'unknown',
    clientId: AWS_CLI.id,
    place: where,
    ua,
    device: 'Unknown',
    at: at + k * 30,
    eventType: `app.oauth2.as.token.grant.${kind}`,
    target: [tokenTarget(kind, who, `${who.id}|${at}|${kind}`), userTarget(who)],
    requestUri: '/oauth2/default/v1/token',
    displayMessage: `OAuth2 ${kind.replace('_', ' ')} is granted`,
    debugData: { grantType, clientAuthType: 'none', grantedScopes: scopes },
  }));
}

/**
 * The org's own okta-aws-cli use: bob and sam each workday morning start the device flow in a terminal, approve it in
 * their browser on the same laptop, and the CLI redeems the code from that laptop's address (no `offline_access`: the
 * CLI signs in again tomorrow). Once, sam runs it on a cloud bastion in AWS and approves from his laptop at the office.
 */
export function awsCliHabit(rng: Prng): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  const users = [
    [PEOPLE.bob, PLACES.chicagoHome, BROWSERS.macChrome125, 'darwin', 'bob', 14],
    [PEOPLE.sam, PLACES.zscalerUs, BROWSERS.macChrome124, 'darwin', 'sam', 13],
  ] as const;
  for (const [i, day] of DAYS.entries()) {
    for (const [who, home, ua, os, login, from] of users) {
      const at = day + from * HOUR + rng.int(45, 110) * MIN;
      const bastion = login === 'sam' && i === 8;
      // The approval is made in the day's session, so in its browser: bob's Chrome updates on the seventh workday (okta-org.ts).
      const browser = login === 'bob' && i <= 6 ? BROWSERS.macChrome124 : ua;
      out.push(
        ...approveDeviceCode(at, who, sessionId(`${login}${i}`), home, browser, 'openid profile'),
        ...tokenGrant(
          at + 9_000,
          who,
          bastion ? PLACES.awsUsEast : home,
          AWS_CLI_UA(bastion ? 'linux' : os),
          DEVICE_GRANT,
          ['access_token', 'id_token'],
          'openid profile',
        ),
      );
    }
  }
  return out;
}

/**
 * A11. Device-code phishing of dan, at his desk in New York: the attacker's script on a Vultr VPS starts a device
 * authorization for okta-aws-cli asking for `offline_access`, and messages him the code as "finish the AWS access
 * migration". dan approves it in his own session, and the poller redeems it seconds later from the VPS: access, ID and
 * refresh tokens, no session. It refreshes them every 50 minutes through the night and the next day (and assumes AWS
 * roles with the ID token, out of Okta's view). The redemption is the theft: the page must come with it (before the
 * next second), since everything after it is done with a token Okta already handed over.
 */
export function deviceCodePhishing(): OktaTakeover {
  const dan = PEOPLE.dan;
  const t = DAYS[12]! + 15 * HOUR + 6 * MIN;
  const poller = 'python-requests/2.32.3';
  const scopes = 'openid profile offline_access';
  const events: OktaEventSpec[] = approveDeviceCode(t, dan, sessionId('dan12'), PLACES.nyHome, BROWSERS.winEdge, scopes);
  const redeemAt = t + 10_000;
  events.push(...tokenGrant(redeemAt, dan, VULTR_NJ, poller, DEVICE_GRANT, ['access_token', 'id_token', 'refresh_token'], scopes));
  for (let k = 1; k <= 32; k++) {
    events.push(
      ...tokenGrant(redeemAt + k * 50 * MIN, dan, VULTR_NJ, poller, 'refresh_token', ['access_token', 'id_token', 'refresh_token'], scopes),
    );
  }
  return { events, credential: `${AWS_CLI.id}/${dan.id}`, startAt: redeemAt, damageAt: redeemAt + 1_000 };
}

/** dan's session of the phishing day, as okta-org.ts writes it (for a log that holds little else). */
export function danPhishedDay(rng: Prng): OktaEventSpec[] {
  return workSession(
    rng,
    DAYS[12]!,
    PEOPLE.dan,
    sessionId('dan12'),
    () => PLACES.nyHome,
    () => BROWSERS.winEdge,
    13,
    22,
  );
}
