/**
 * Two weeks of one company's Okta System Log: people signing in each morning and opening apps all day, an
 * administrator at work, a provisioning integration on an API token; with the hard negatives (a browser
 * update mid-session, a laptop moving to a phone hotspot, a traveller, a new employee enrolling factors, office
 * egress through Zscaler) and the attacks (a stolen admin session cookie, a stolen API token, a session used
 * by its owner and a thief at once).
 */
import { BROWSERS, type OktaActor, type OktaEventSpec, type OktaPlace, oktaId, oktaUser, PLACES, sessionId } from './okta-writer.js';
import { HOUR, MIN, type Prng, weekdays } from './prng.js';

export const START = Date.parse('2026-10-05T00:00:00Z');
const DAYS = 20;

export const PEOPLE = {
  bob: oktaUser('bob', 'Bob Novak'),
  carol: oktaUser('carol', 'Carol Diaz'),
  dan: oktaUser('dan', 'Dan Okafor'),
  erin: oktaUser('erin', 'Erin Walsh'),
  sam: oktaUser('sam', 'Sam Lindqvist'),
  scim: {
    id: oktaId('0oa', 'workday'),
    type: 'PublicClientApp',
    alternateId: 'workday-provisioning',
    displayName: 'Workday Provisioning',
  } as OktaActor,
} as const;

export const API_TOKEN = oktaId('00T', 'workday-token');
const APPS = ['Slack', 'Salesforce', 'GitHub Enterprise Cloud', 'Google Workspace', 'Zoom', 'Atlassian Cloud'];

function app(name: string) {
  return { id: oktaId('0oa', name), type: 'AppInstance', alternateId: name, displayName: name };
}

/** A person's day: a session started in the morning (password, MFA), then SSO into apps until evening. */
export function workSession(
  rng: Prng,
  day: number,
  who: OktaActor,
  session: string,
  place: (at: number) => OktaPlace,
  ua: (at: number) => string,
  fromHour: number,
  toHour: number,
): OktaEventSpec[] {
  const t0 = day + fromHour * HOUR + rng.int(0, 40) * MIN;
  const base = { actor: who, session };
  const out: OktaEventSpec[] = [
    {
      ...base,
      at: t0,
      eventType: 'policy.evaluate_sign_on',
      place: place(t0),
      ua: ua(t0),
      result: 'ALLOW',
      requestUri: '/idp/idx/identify',
    },
    {
      ...base,
      at: t0 + 20_000,
      eventType: 'user.authentication.auth_via_mfa',
      place: place(t0),
      ua: ua(t0),
      requestUri: '/idp/idx/challenge/answer',
    },
    {
      ...base,
      at: t0 + 21_000,
      eventType: 'user.session.start',
      place: place(t0),
      ua: ua(t0),
      requestUri: '/idp/idx/challenge/answer',
      displayMessage: 'User login to Okta',
    },
  ];
  for (let at = t0 + rng.int(5, 30) * MIN; at < day + toHour * HOUR; at += rng.int(20, 75) * MIN) {
    out.push({
      ...base,
      at,
      eventType: 'user.authentication.sso',
      place: place(at),
      ua: ua(at),
      target: [app(rng.pick(APPS))],
      requestUri: '/app/x/sso/saml',
      displayMessage: 'User single sign on to app',
    });
  }
  return out;
}

/** Everyone's benign activity. */
export function benignOkta(rng: Prng): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  for (const [i, day] of weekdays(START, DAYS).entries()) {
    // bob: Chicago; Chrome updates itself mid-session on the seventh workday.
    const update = day + 17 * HOUR;
    out.push(
      ...workSession(
        rng,
        day,
        PEOPLE.bob,
        sessionId(`bob${i}`),
        () => PLACES.chicagoHome,
        (at) => ((i === 6 && at >= update) || i > 6 ? BROWSERS.macChrome125 : BROWSERS.macChrome124),
        14,
        23,
      ),
    );
    // carol: Denver, Safari; her home internet drops on some afternoons and the laptop tethers to her phone.
    const tether = i % 3 === 1 ? day + 19 * HOUR : Number.POSITIVE_INFINITY;
    out.push(
      ...workSession(
        rng,
        day,
        PEOPLE.carol,
        sessionId(`carol${i}`),
        (at) => (at >= tether && at < tether + 2 * HOUR ? PLACES.tmobile : PLACES.denverHome),
        // A new laptop from the tenth workday: Chrome instead of Safari, a new device token.
        () => (i >= 9 ? BROWSERS.macChrome125 : BROWSERS.macSafari),
        15,
        24,
      ),
    );
    if (i === 9) {
      // Okta Verify is bound to the device: she enrolls it again on the new laptop, in her first session there.
      const t = day + 15 * HOUR + 50 * MIN;
      const self = [{ id: PEOPLE.carol.id, type: 'User', alternateId: PEOPLE.carol.alternateId, displayName: PEOPLE.carol.displayName }];
      const s = { actor: PEOPLE.carol, session: sessionId(`carol${i}`), place: PLACES.denverHome, ua: BROWSERS.macChrome125, target: self };
      out.push(
        { ...s, at: t, eventType: 'user.mfa.factor.deactivate', displayMessage: 'Reset factor for user' },
        { ...s, at: t + 2 * MIN, eventType: 'user.mfa.factor.activate', displayMessage: 'User set up Okta Verify factor' },
      );
    }
    // bob is on call from the eighth workday: paged some nights, he signs in at 03:00 Chicago time.
    if (i >= 7 && i % 2 === 1) {
      out.push(
        ...workSession(
          rng,
          day,
          PEOPLE.bob,
          sessionId(`bob-night${i}`),
          () => PLACES.chicagoHome,
          () => BROWSERS.macChrome125,
          8,
          9,
        ),
      );
    }
    // dan: New York; a week at the London office (a new session each morning there, same laptop).
    const london = i >= 7 && i <= 9;
    if (i !== 6) {
      out.push(
        ...workSession(
          rng,
          day,
          PEOPLE.dan,
          sessionId(`dan${i}`),
          () => (london ? PLACES.londonHotel : PLACES.nyHome),
          () => BROWSERS.winEdge,
          london ? 8 : 13,
          london ? 17 : 22,
        ),
      );
    }
    // sam: the Okta administrator, at the office behind Zscaler; admin console every day, helpdesk resets.
    const samSession = sessionId(`sam${i}`);
    out.push(
      ...workSession(
        rng,
        day,
        PEOPLE.sam,
        samSession,
        () => PLACES.zscalerUs,
        () => BROWSERS.macChrome124,
        13,
        22,
      ),
    );
    const a = day + 15 * HOUR + rng.int(0, 60) * MIN;
    const s = { actor: PEOPLE.sam, session: samSession, place: PLACES.zscalerUs, ua: BROWSERS.macChrome124 };
    out.push({
      ...s,
      at: a,
      eventType: 'user.session.access_admin_app',
      target: [app('Okta Admin Console')],
      requestUri: '/admin/sso/callback',
    });
    if (i % 2 === 0) {
      const who = rng.pick([PEOPLE.bob, PEOPLE.carol, PEOPLE.dan]);
      const t = { id: who.id, type: 'User', alternateId: who.alternateId, displayName: who.displayName };
      out.push(
        {
          ...s,
          at: a + 10 * MIN,
          eventType: 'user.mfa.factor.reset_all',
          target: [t],
          requestUri: `/api/v1/users/${who.id}/lifecycle/reset_factors`,
          displayMessage: 'Reset all factors for user',
        },
        {
          ...s,
          at: a + 12 * MIN,
          eventType: 'group.user_membership.add',
          target: [t, { id: oktaId('00g', 'eng'), type: 'UserGroup', alternateId: 'unknown', displayName: 'Engineering' }],
        },
      );
    }
    if (i === 3) {
      out.push({
        ...s,
        at: a + 20 * MIN,
        eventType: 'policy.rule.update',
        target: [{ id: oktaId('0pr', 'mfa'), type: 'PolicyRule', alternateId: 'unknown', displayName: 'Require MFA off network' }],
        requestUri: '/api/v1/policies/x/rules/y',
      });
    }
    // Workday provisioning: a nightly batch through its API token, from AWS.
    const batch = day + 6 * HOUR + rng.int(0, 10) * MIN;
    for (let k = 0; k < 6; k++) {
      const who = rng.pick([PEOPLE.bob, PEOPLE.carol, PEOPLE.dan, PEOPLE.sam]);
      out.push({
        at: batch + k * 2_000,
        actor: PEOPLE.scim,
        session: 'unknown',
        apiToken: API_TOKEN,
        place: PLACES.awsUsEast,
        ua: BROWSERS.oktaSdk,
        eventType: k % 3 === 0 ? 'user.account.update_profile' : 'user.lifecycle.update',
        target: [{ id: who.id, type: 'User', alternateId: who.alternateId, displayName: who.displayName }],
        requestUri: `/api/v1/users/${who.id}`,
      });
    }
  }
  out.push(...newEmployee(rng));
  return out;
}

/** erin starts on the tenth workday: created by the provisioning token, activates, sets a password, enrolls factors. */
function newEmployee(rng: Prng): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  const days = weekdays(START, DAYS);
  const first = days[9]!;
  const target = [{ id: PEOPLE.erin.id, type: 'User', alternateId: PEOPLE.erin.alternateId, displayName: PEOPLE.erin.displayName }];
  out.push({
    at: first - 8 * HOUR,
    actor: PEOPLE.scim,
    session: 'unknown',
    apiToken: API_TOKEN,
    place: PLACES.awsUsEast,
    ua: BROWSERS.oktaSdk,
    eventType: 'user.lifecycle.create',
    target,
    requestUri: '/api/v1/users',
  });
  const session = sessionId('erin0');
  const t = first + 14 * HOUR;
  const s = { actor: PEOPLE.erin, session, place: PLACES.zscalerUs, ua: BROWSERS.winChrome };
  out.push(
    { ...s, at: t, eventType: 'user.lifecycle.activate', target },
    { ...s, at: t + MIN, eventType: 'user.account.update_password', target },
    { ...s, at: t + 3 * MIN, eventType: 'user.mfa.factor.activate', target, displayMessage: 'User set up Okta Verify factor' },
    { ...s, at: t + 4 * MIN, eventType: 'user.mfa.factor.activate', target, displayMessage: 'User set up WebAuthn factor' },
  );
  out.push(
    ...workSession(
      rng,
      first,
      PEOPLE.erin,
      session,
      () => PLACES.zscalerUs,
      () => BROWSERS.winChrome,
      14,
      22,
    ).slice(3),
  );
  for (let d = 10; d < days.length; d++) {
    out.push(
      ...workSession(
        rng,
        days[d]!,
        PEOPLE.erin,
        sessionId(`erin${d}`),
        () => PLACES.zscalerUs,
        () => BROWSERS.winChrome,
        14,
        22,
      ),
    );
  }
  return out;
}
