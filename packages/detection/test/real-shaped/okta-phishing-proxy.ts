/**
 * Sign-ins relayed by an adversary-in-the-middle phishing proxy (Evilginx) in the Okta org of `okta-org.ts`, and the
 * sign-ins that look nearly like one and are not: a person on their own laptop behind a VPN in a data centre, and a
 * new laptop on the company's cloud gateway, which every colleague uses.
 */
import { PEOPLE, START } from './okta-org.js';
import type { OktaTakeover } from './okta-takeovers.js';
import { BROWSERS, type OktaActor, type OktaEventSpec, type OktaPlace, oktaId, sessionId } from './okta-writer.js';
import { HOUR, MIN, weekdays } from './prng.js';

const DAYS = weekdays(START, 20);

/** A DigitalOcean droplet: where phishing kits run. */
export const DROPLET: OktaPlace = {
  ip: '159.203.10.5',
  city: 'Clifton',
  state: 'New Jersey',
  country: 'United States',
  lat: 40.8364,
  lon: -74.1403,
  asn: 14061,
  asOrg: 'digitalocean llc',
  isp: 'digitalocean llc',
  domain: 'digitalocean.com',
};

const app = (name: string) => ({ id: `0oa${name.replace(/\W/g, '')}`, type: 'AppInstance', alternateId: name, displayName: name });

/** A sign-in (policy, MFA, session) and an hour of apps, from one place and device. */
function signInAndWork(at: number, who: OktaActor, seed: string, place: OktaPlace, ua: string, deviceToken?: string): OktaEventSpec[] {
  const s = { actor: who, session: sessionId(seed), place, ua, ...(deviceToken ? { deviceToken } : {}) };
  return [
    { ...s, at, eventType: 'policy.evaluate_sign_on', result: 'ALLOW', requestUri: '/idp/idx/identify' },
    { ...s, at: at + 20_000, eventType: 'user.authentication.auth_via_mfa', requestUri: '/idp/idx/challenge/answer' },
    { ...s, at: at + 21_000, eventType: 'user.session.start', requestUri: '/idp/idx/challenge/answer' },
    ...[5, 25, 50].map((m, i) => ({
      ...s,
      at: at + m * MIN,
      eventType: 'user.authentication.sso',
      target: [app(['Salesforce', 'Slack', 'GitHub Enterprise Cloud'][i]!)],
      requestUri: '/app/x/sso/saml',
    })),
  ];
}

/**
 * bob, lured to a phishing page on a Monday afternoon, signs in through it: the kit relays his password, his MFA and
 * his browser string from its droplet, with a device token Okta's page set for the kit's domain. Half an hour later the
 * attacker enrolls his own authenticator on bob's account.
 */
export function phishingProxySignIn(): OktaTakeover {
  const t = DAYS[12]! + 16 * HOUR;
  const events = signInAndWork(t, PEOPLE.bob, 'bob-evilginx', DROPLET, BROWSERS.macChrome125, 'evilginx-kit');
  const damageAt = t + 30 * MIN;
  events.push({
    actor: PEOPLE.bob,
    session: sessionId('bob-evilginx'),
    place: DROPLET,
    ua: BROWSERS.macChrome125,
    deviceToken: 'evilginx-kit',
    at: damageAt,
    eventType: 'user.mfa.factor.activate',
    target: [{ id: PEOPLE.bob.id, type: 'User', alternateId: PEOPLE.bob.alternateId, displayName: PEOPLE.bob.displayName }],
    requestUri: '/idp/myaccount/authenticators',
  });
  return { events, credential: sessionId('bob-evilginx'), startAt: t, damageAt };
}

/** dan, on his own laptop (its device token), behind a VPN he rents on a DigitalOcean droplet, at a café. */
export function ownLaptopBehindCloudVpn(): OktaEventSpec[] {
  return signInAndWork(DAYS[12]! + 15 * HOUR, PEOPLE.dan, 'dan-vpn', DROPLET, BROWSERS.winEdge);
}

/** The company's cloud gateway, on a network no one's home uses. */
const GATEWAY: OktaPlace = { ...DROPLET, ip: '159.203.20.9' };

/** Colleagues of the org's five who only ever sign in through the company's gateway. */
const COLLEAGUES: OktaActor[] = ['fay', 'gus', 'hal', 'ivy', 'jo', 'kim'].map((login) => ({
  id: oktaId('00u', login),
  type: 'User',
  alternateId: `${login}@acme.io`,
  displayName: login,
}));

/**
 * Everyone signs in through the company's new cloud gateway (on DigitalOcean) from the eleventh workday; on the
 * thirteenth, carol gets a new laptop (a new device token) and signs in on it through the gateway.
 */
export function newLaptopOnCompanyGateway(): OktaEventSpec[] {
  const out: OktaEventSpec[] = [];
  for (let d = 10; d < 13; d++) {
    for (const [who, ua] of [
      [PEOPLE.bob, BROWSERS.macChrome125],
      [PEOPLE.dan, BROWSERS.winEdge],
      [PEOPLE.sam, BROWSERS.macChrome124],
      [PEOPLE.erin, BROWSERS.winChrome],
      [PEOPLE.carol, BROWSERS.macChrome125],
      ...COLLEAGUES.map((c) => [c, BROWSERS.winChrome] as const),
    ] as const) {
      out.push(...signInAndWork(DAYS[d]! + 14 * HOUR, who, `${who.alternateId}-gw${d}`, GATEWAY, ua));
    }
  }
  out.push(...signInAndWork(DAYS[13]! + 15 * HOUR, PEOPLE.carol, 'carol-new-laptop', GATEWAY, BROWSERS.macChrome125, 'carol-laptop-2'));
  return out;
}
