/**
 * People of the Okta org of `okta-org.ts` doing ordinary things that a blind evaluation saw page, written as Okta's
 * System Log writes them, each at its usual place, with its usual browser and device token:
 * - nina, a second Okta administrator at her home desk (Cox, Chandler), makes her first network-zone and policy
 *   changes of the log in her normal session on the twelfth workday, and another zone change two days later;
 * - omar, a remote hire created by the Workday token, activates from his home line in Nampa (Idaho: a town and an
 *   ISP nobody else in the org uses), sets a password, enrolls Okta Verify and a security key, then works;
 * - four people consent, each at their desk in their own session, to a sales app rolled out mid-log, whose backend
 *   on Google Cloud in Belgium redeems their codes seconds later with a Ruby HTTP client and refreshes their tokens
 *   every hour for days (no session: Okta logs the grants with the person as the actor and the app in `client.id`);
 * - tara, on a trip to Lisbon, signs in on her own laptop through NordVPN: Okta rates it high risk (Anomalous
 *   Geo-Distance, New IP) and flags the proxy;
 * - leo's phone session on T-Mobile is handed a new address mid-morning: DB-IP places the first in New York and the
 *   next, 23 minutes later, in Honolulu, 7,960 km away; the phone never left Manhattan.
 * And the guards: the same zone change and the same factor enrolment made by a thief, which must still page.
 */
import { API_TOKEN, PEOPLE, START, workSession } from './okta-org.js';
import type { OktaTakeover } from './okta-takeovers.js';
import {
  BROWSERS,
  type OktaActor,
  type OktaEventSpec,
  type OktaPlace,
  oktaId,
  oktaUser,
  PLACES,
  sessionId,
  tokenTarget,
  userTarget,
} from './okta-writer.js';
import { DAY, HOUR, MIN, type Prng, weekdays } from './prng.js';

const DAYS = weekdays(START, 20);

/** The org's newcomers of this file. */
export const NEWCOMERS = {
  nina: oktaUser('nina', 'Nina Petrova'),
  omar: oktaUser('omar', 'Omar Haddad'),
  tara: oktaUser('tara', 'Tara Quinn'),
  leo: oktaUser('leo', 'Leo Marchetti'),
} as const;

const ADMIN_APP = {
  id: oktaId('0oa', 'Okta Admin Console'),
  type: 'AppInstance',
  alternateId: 'Okta Admin Console',
  displayName: 'Okta Admin Console',
};
const OFFICE_ZONE = { id: oktaId('nzo', 'office-egress'), type: 'Zone', alternateId: 'unknown', displayName: 'Office egress' };
const SIGN_ON_POLICY = { id: oktaId('00p', 'okta-sign-on'), type: 'Policy', alternateId: 'unknown', displayName: 'Okta sign-on policy' };
const OFF_NETWORK_RULE = {
  id: oktaId('0pr', 'off-network-mfa'),
  type: 'PolicyRule',
  alternateId: 'unknown',
  displayName: 'Require phishing-resistant MFA off network',
};

/** The first three events of a work session (sign-on policy, MFA, session start): a sign-in. */
const SIGN_IN = 3;

// ----- 1. An administrator at her usual desk -----------------------------------------------------------------------

/** nina's zone and policy changes: when they happened, for the test's messages. */
export const NINA_CHANGES = { firstAt: DAYS[12]! + 17 * HOUR + 10 * MIN, secondZoneAt: DAYS[14]! + 18 * HOUR };

/**
 * nina: every workday at home in Chandler (Cox), 08:00 to 16:00 Arizona time, Chrome on her Mac (one device token);
 * the admin console on most days, helpdesk-like lookups only, until the twelfth workday: she adds the new office's
 * range to the "Office egress" network zone, then tightens the sign-on policy's off-network rule a few minutes
 * later, in the same session; on the fourteenth, a second zone change.
 */
export function adminAtHerDesk(rng: Prng): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  const nina = NEWCOMERS.nina;
  for (const [i, day] of DAYS.entries()) {
    const session = sessionId(`nina${i}`);
    out.push(
      ...workSession(
        rng,
        day,
        nina,
        session,
        () => PLACES.chandlerHome,
        () => BROWSERS.macChrome124,
        15,
        23,
      ),
    );
    const s = { actor: nina, session, place: PLACES.chandlerHome, ua: BROWSERS.macChrome124 };
    if (i % 4 !== 3) {
      out.push({
        ...s,
        at: day + 16 * HOUR + rng.int(30, 50) * MIN,
        eventType: 'user.session.access_admin_app',
        target: [ADMIN_APP],
        requestUri: '/admin/sso/callback',
        displayMessage: 'User accessing Okta admin app',
      });
    }
    if (i === 12) {
      const t = NINA_CHANGES.firstAt;
      out.push(
        {
          ...s,
          at: t,
          eventType: 'zone.update',
          target: [OFFICE_ZONE],
          requestUri: `/api/v1/zones/${OFFICE_ZONE.id}`,
          displayMessage: 'Update network zone',
        },
        {
          ...s,
          at: t + 6 * MIN,
          eventType: 'policy.lifecycle.update',
          target: [SIGN_ON_POLICY],
          requestUri: `/api/v1/policies/${SIGN_ON_POLICY.id}`,
          displayMessage: 'Update policy',
        },
        {
          ...s,
          at: t + 8 * MIN,
          eventType: 'policy.rule.update',
          target: [SIGN_ON_POLICY, OFF_NETWORK_RULE],
          requestUri: `/api/v1/policies/${SIGN_ON_POLICY.id}/rules/${OFF_NETWORK_RULE.id}`,
          displayMessage: 'Update policy rule',
        },
      );
    }
    if (i === 14) {
      out.push({
        ...s,
        at: NINA_CHANGES.secondZoneAt,
        eventType: 'zone.update',
        target: [OFFICE_ZONE],
        requestUri: `/api/v1/zones/${OFFICE_ZONE.id}`,
        displayMessage: 'Update network zone',
      });
    }
  }
  return out;
}

/**
 * The guard: nina's password and MFA phished, a session of hers signed in from a Hetzner server in Finland on a
 * browser she never used (a new device token), the admin console, then the same zone change. Must page by the change.
 */
export function adminChangeByThief(): OktaTakeover {
  const t = DAYS[12]! + 20 * HOUR;
  const session = sessionId('nina-thief');
  const s = { actor: NEWCOMERS.nina, session, place: PLACES.hetznerFi, ua: BROWSERS.winChrome, deviceToken: 'thief-browser' };
  const events: OktaEventSpec[] = [
    { ...s, at: t, eventType: 'policy.evaluate_sign_on', result: 'ALLOW', requestUri: '/idp/idx/identify' },
    { ...s, at: t + 20_000, eventType: 'user.authentication.auth_via_mfa', requestUri: '/idp/idx/challenge/answer' },
    {
      ...s,
      at: t + 21_000,
      eventType: 'user.session.start',
      requestUri: '/idp/idx/challenge/answer',
      displayMessage: 'User login to Okta',
    },
    { ...s, at: t + 2 * MIN, eventType: 'user.session.access_admin_app', target: [ADMIN_APP], requestUri: '/admin/sso/callback' },
  ];
  const damageAt = t + 5 * MIN;
  events.push({
    ...s,
    at: damageAt,
    eventType: 'zone.update',
    target: [OFFICE_ZONE],
    requestUri: `/api/v1/zones/${OFFICE_ZONE.id}`,
    displayMessage: 'Update network zone',
  });
  // The page may come at the change itself (to the second), not after it.
  return { events, credential: session, startAt: t, damageAt: damageAt + 1_000 };
}

// ----- 2. A new remote hire's first factor enrolment --------------------------------------------------------------

/** Okta Verify on an iPhone, as it names itself when it registers with the org. */
const OKTA_VERIFY_IOS = 'OktaVerify/9.27.1 (iPhone; iOS 17.5.1; Scale/3.00)';

/** The day omar starts (the eighth workday). */
export const OMAR_FIRST_DAY = DAYS[8]!;

/**
 * omar: created by the Workday token overnight, activates at 09:00 Mountain time from his home line in Nampa, sets
 * his password, enrolls Okta Verify and a security key, then works until 17:00; every following workday the same.
 * `verifyFromPhone`: the Okta Verify enrolment is logged from the app on his iPhone (its own client, on T-Mobile) in
 * the activation session, as the app registers itself by scanning the QR code the browser shows.
 */
export function newRemoteHire(rng: Prng, verifyFromPhone = false): OktaEventSpec[] {
  const omar = NEWCOMERS.omar;
  const target = [userTarget(omar)];
  const first = OMAR_FIRST_DAY;
  const out: OktaEventSpec[] = [
    {
      at: first - 8 * HOUR,
      actor: PEOPLE.scim,
      session: 'unknown',
      apiToken: API_TOKEN,
      place: PLACES.awsUsEast,
      ua: BROWSERS.oktaSdk,
      eventType: 'user.lifecycle.create',
      target,
      requestUri: '/api/v1/users',
      displayMessage: 'Create okta user',
    },
  ];
  const session = sessionId('omar0');
  const t = first + 15 * HOUR + 5 * MIN;
  const s = { actor: omar, session, place: PLACES.nampaHome, ua: BROWSERS.winEdge };
  out.push(
    { ...s, at: t, eventType: 'user.lifecycle.activate', target, requestUri: '/idp/idx/activate', displayMessage: 'Activate Okta user' },
    {
      ...s,
      at: t + MIN,
      eventType: 'user.account.update_password',
      target,
      requestUri: '/idp/idx/challenge/answer',
      displayMessage: 'User update password for Okta',
    },
    {
      ...s,
      ...(verifyFromPhone ? { place: PLACES.tmobile, ua: OKTA_VERIFY_IOS, device: 'Mobile', deviceToken: 'omar-iphone' } : {}),
      at: t + 3 * MIN,
      eventType: 'user.mfa.factor.activate',
      target,
      requestUri: verifyFromPhone ? '/idp/authenticators' : '/idp/idx/credential/enroll',
      displayMessage: 'User set up Okta Verify factor',
      debugData: { factor: 'OKTA_VERIFY_PUSH' },
    },
    {
      ...s,
      at: t + 5 * MIN,
      eventType: 'user.mfa.factor.activate',
      target,
      requestUri: '/idp/idx/challenge/answer',
      displayMessage: 'User set up WebAuthn factor',
      debugData: { factor: 'FIDO_WEBAUTHN' },
    },
    {
      ...s,
      at: t + 5 * MIN + 2_000,
      eventType: 'user.session.start',
      requestUri: '/idp/idx/challenge/answer',
      displayMessage: 'User login to Okta',
    },
  );
  out.push(
    ...workSession(
      rng,
      first,
      omar,
      session,
      () => PLACES.nampaHome,
      () => BROWSERS.winEdge,
      16,
      23,
    ).slice(SIGN_IN),
  );
  for (let d = 9; d < DAYS.length; d++) {
    out.push(
      ...workSession(
        rng,
        DAYS[d]!,
        omar,
        sessionId(`omar${d}`),
        () => PLACES.nampaHome,
        () => BROWSERS.winEdge,
        15,
        23,
      ),
    );
  }
  return out;
}

/**
 * The guard: bob (three weeks of Chicago behind him) signed in from a Hetzner server in Finland on a browser he never
 * used, and an authenticator enrolled on his account four minutes later. Must page by the enrolment.
 */
export function factorEnrolledByThief(): OktaTakeover {
  const t = DAYS[12]! + 10 * HOUR;
  const session = sessionId('bob-thief-enrol');
  const s = { actor: PEOPLE.bob, session, place: PLACES.hetznerFi, ua: BROWSERS.winChrome, deviceToken: 'thief-browser' };
  const damageAt = t + 4 * MIN;
  const events: OktaEventSpec[] = [
    { ...s, at: t, eventType: 'policy.evaluate_sign_on', result: 'ALLOW', requestUri: '/idp/idx/identify' },
    { ...s, at: t + 20_000, eventType: 'user.authentication.auth_via_mfa', requestUri: '/idp/idx/challenge/answer' },
    {
      ...s,
      at: t + 21_000,
      eventType: 'user.session.start',
      requestUri: '/idp/idx/challenge/answer',
      displayMessage: 'User login to Okta',
    },
    {
      ...s,
      at: damageAt,
      eventType: 'user.mfa.factor.activate',
      target: [userTarget(PEOPLE.bob)],
      requestUri: '/idp/myaccount/authenticators',
      displayMessage: 'User set up Okta Verify factor',
      debugData: { factor: 'OKTA_VERIFY_PUSH' },
    },
  ];
  return { events, credential: session, startAt: t, damageAt: damageAt + 1_000 };
}

// ----- 3. An OAuth app rolled out mid-log ------------------------------------------------------------------------

/** The sales app: an OAuth web app whose backend runs on Google Cloud in Belgium. */
export const SALES_APP = {
  id: oktaId('0oa', 'Salesloft'),
  type: 'PublicClientApp',
  alternateId: oktaId('0oa', 'Salesloft'),
  displayName: 'Salesloft',
} as const;

/**
 * Where the app's target goes: `client-id` is Okta's shape (the client only in `client.id`, the token grants'
 * targets only the tokens); `client-target` also names the app in the grants' targets, as `okta-oauth-apps.ts` does.
 */
export type GrantShape = 'client-id' | 'client-target';

/** Who consents, on which workday (their own session of that day, as okta-org.ts names it), where, with what. */
const CONSENTS: readonly { who: OktaActor; day: number; hour: number; place: OktaPlace; ua: string }[] = [
  { who: PEOPLE.bob, day: 8, hour: 16, place: PLACES.chicagoHome, ua: BROWSERS.macChrome125 },
  { who: PEOPLE.carol, day: 10, hour: 17, place: PLACES.denverHome, ua: BROWSERS.macChrome125 },
  { who: PEOPLE.dan, day: 11, hour: 15, place: PLACES.nyHome, ua: BROWSERS.winEdge },
  { who: PEOPLE.erin, day: 12, hour: 15, place: PLACES.zscalerUs, ua: BROWSERS.winChrome },
];

/** When each person consented, for the test's messages. */
export const CONSENT_TIMES: readonly number[] = CONSENTS.map((c) => DAYS[c.day]! + c.hour * HOUR + 12 * MIN);

/** One token request of the backend: an access token and a (rotated) refresh token, two events as Okta logs them. */
function backendGrant(at: number, person: OktaActor, place: OktaPlace, grantType: string, shape: GrantShape): OktaEventSpec[] {
  return (['access_token', 'refresh_token'] as const).map((kind, k) => ({
    at: at + k * 35,
    actor: person,
    session: 'unknown',
    place,
    ua: BROWSERS.rubyFaraday,
    device: 'Unknown',
    clientId: SALES_APP.id,
    eventType: `app.oauth2.as.token.grant.${kind}`,
    displayMessage: kind === 'access_token' ? 'OAuth2 access token is granted' : 'OAuth2 refresh token is granted',
    requestUri: '/oauth2/default/v1/token',
    debugData: { grantType, clientAuthType: 'client_secret_basic', grantedScopes: 'openid profile email offline_access' },
    target: [
      tokenTarget(kind, person, `${person.id}|${at}|${kind}`),
      ...(shape === 'client-target'
        ? [{ id: SALES_APP.id, type: SALES_APP.type, alternateId: SALES_APP.alternateId, displayName: SALES_APP.displayName }]
        : []),
    ],
  }));
}

/**
 * The rollout: each person, in their own session at their desk, authorizes the app (`authorize.code`) and consents to
 * its scopes (`consent.grant`), with the app in `client.id`; four seconds later the app's backend redeems the code
 * from Google Cloud (`authorization_code`), then refreshes the token every hour or so, day and night, to the log's end.
 */
export function oauthAppRollout(rng: Prng, shape: GrantShape): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  const end = DAYS[DAYS.length - 1]! + DAY;
  for (const [k, c] of CONSENTS.entries()) {
    const login = c.who.alternateId.split('@')[0]!;
    const at = CONSENT_TIMES[k]!;
    const s = { actor: c.who, session: sessionId(`${login}${c.day}`), place: c.place, ua: c.ua, clientId: SALES_APP.id };
    const app = [{ id: SALES_APP.id, type: SALES_APP.type, alternateId: SALES_APP.alternateId, displayName: SALES_APP.displayName }];
    out.push(
      {
        ...s,
        at,
        eventType: 'app.oauth2.as.consent.grant',
        target: app,
        requestUri: '/oauth2/default/v1/authorize',
        displayMessage: 'User granted consent to app',
        debugData: { grantedScopes: 'openid profile email offline_access' },
      },
      {
        ...s,
        at: at + 1_500,
        eventType: 'app.oauth2.as.authorize.code',
        target: app,
        requestUri: '/oauth2/default/v1/authorize',
        displayMessage: 'OAuth2 authorization code request',
        debugData: { grantType: 'authorization_code', responseType: 'code' },
      },
    );
    out.push(...backendGrant(at + 5_500, c.who, PLACES.gcpBelgium, 'authorization_code', shape));
    for (let t = at + rng.int(50, 65) * MIN; t < end; t += rng.int(55, 65) * MIN) {
      out.push(...backendGrant(t, c.who, rng.next() < 0.5 ? PLACES.gcpBelgium : PLACES.gcpBelgium2, 'refresh_token', shape));
    }
  }
  return out;
}

// ----- 4. A traveller on NordVPN -------------------------------------------------------------------------------

/** Okta's risk engine on tara's first sign-in from Lisbon. */
const TRIP_RISK = {
  risk: '{reasons=Anomalous Geo-Distance, New IP, level=HIGH}',
  behaviors:
    '{New Geo-Location=POSITIVE, New Device=NEGATIVE, New IP=POSITIVE, New State=POSITIVE, New Country=POSITIVE, Velocity=POSITIVE, New City=POSITIVE}',
};
/** The same on her later days there: Okta has seen the place. */
const TRIP_RISK_LATER = {
  risk: '{level=LOW}',
  behaviors:
    '{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}',
};

/** The workdays tara spends in Lisbon. */
export const TRIP_DAYS = [10, 11, 12] as const;

/**
 * tara: at home in Petaluma (Sonic) on her Mac (Chrome, one device token), 09:00 to 17:00 Pacific; the tenth to
 * twelfth workdays in Lisbon, 09:00 to 17:00 there, signing in with her password and Okta Verify through NordVPN's
 * Lisbon server on the same laptop; Okta rates the first of those sign-ins high risk and flags the proxy. Home again
 * on the thirteenth.
 */
export function travellerOnNordVpn(rng: Prng): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  for (const [i, day] of DAYS.entries()) {
    const away = (TRIP_DAYS as readonly number[]).includes(i);
    const events = workSession(
      rng,
      day,
      NEWCOMERS.tara,
      sessionId(`tara${i}`),
      () => (away ? PLACES.nordVpnLisbon : PLACES.petalumaHome),
      () => BROWSERS.macChrome124,
      away ? 8 : 16,
      away ? 16 : 24,
    );
    if (away) {
      const verdict = i === TRIP_DAYS[0] ? TRIP_RISK : TRIP_RISK_LATER;
      for (const e of events.slice(0, SIGN_IN)) e.debugData = { ...verdict };
    }
    out.push(...events);
  }
  return out;
}

// ----- 5. A phone session crossing the country on T-Mobile -------------------------------------------------------

const PHONE_APPS = ['Slack', 'Google Workspace', 'Zoom', 'Salesforce'];
const NY_PHONE: readonly OktaPlace[] = [PLACES.tmobileNyc, PLACES.tmobileJacksonHeights, PLACES.tmobileEastHarlem, PLACES.tmobileBrooklyn];

/** When leo's phone was handed the Honolulu address (the eleventh workday), for the test's messages. */
export const PHONE_HOP_AT = DAYS[11]! + 12 * HOUR + 53 * MIN;

/**
 * leo: his laptop at home in Manhattan (Spectrum) from 09:00 to 18:00 New York time; before that, on the subway and
 * over coffee, his iPhone (Safari, its own device token) on T-Mobile, one session a morning, its address moving
 * between the carrier's New York pools. On the eleventh workday the phone's session, signed in at 12:00 UTC on a
 * New York address, is handed one DB-IP places in Honolulu 23 minutes after its last New York event, and keeps it.
 * `firstPhoneDay`: the workday he starts using his phone for work (by default, the log's first).
 */
export function phoneAcrossTheCountry(rng: Prng, firstPhoneDay = 0): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  const leo = NEWCOMERS.leo;
  for (const [i, day] of DAYS.entries()) {
    out.push(
      ...workSession(
        rng,
        day,
        leo,
        sessionId(`leo${i}`),
        () => PLACES.nySpectrumHome,
        () => BROWSERS.macChrome124,
        13,
        22,
      ),
    );
    if (i < firstPhoneDay) continue;
    const session = sessionId(`leo-phone${i}`);
    const phone = { actor: leo, session, ua: BROWSERS.iphoneSafari, device: 'Mobile', deviceToken: 'leo-iphone' };
    const t0 = day + 11 * HOUR + 30 * MIN + rng.int(0, 20) * MIN;
    const home = NY_PHONE[i % NY_PHONE.length]!;
    const hop = i === 11;
    const at0 = hop ? day + 12 * HOUR : t0;
    out.push(
      { ...phone, place: home, at: at0, eventType: 'policy.evaluate_sign_on', result: 'ALLOW', requestUri: '/idp/idx/identify' },
      { ...phone, place: home, at: at0 + 15_000, eventType: 'user.authentication.auth_via_mfa', requestUri: '/idp/idx/challenge/answer' },
      {
        ...phone,
        place: home,
        at: at0 + 16_000,
        eventType: 'user.session.start',
        requestUri: '/idp/idx/challenge/answer',
        displayMessage: 'User login to Okta',
      },
    );
    const times = hop ? [10, 30, 53, 70, 84].map((m) => day + 12 * HOUR + m * MIN) : [5, 25, 45, 70].map((m) => at0 + m * MIN);
    for (const [k, at] of times.entries()) {
      // A carrier moves a phone between its pools now and then: the next New York pool later in the morning.
      const place = hop ? (at >= PHONE_HOP_AT ? PLACES.tmobileHonolulu : home) : k >= 3 ? NY_PHONE[(i + 1) % NY_PHONE.length]! : home;
      out.push({
        ...phone,
        place,
        at,
        eventType: 'user.authentication.sso',
        target: [
          {
            id: oktaId('0oa', PHONE_APPS[k % PHONE_APPS.length]!),
            type: 'AppInstance',
            alternateId: PHONE_APPS[k % PHONE_APPS.length]!,
            displayName: PHONE_APPS[k % PHONE_APPS.length]!,
          },
        ],
        requestUri: '/app/x/sso/saml',
        displayMessage: 'User single sign on to app',
      });
    }
  }
  return out;
}
