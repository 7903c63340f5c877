/**
 * OAuth apps in the Okta org of `okta-org.ts`, as Okta's authorization server logs their token grants: no session
 * (`externalSessionId` unknown), the token in the targets with its subject. A company expense app whose backend on
 * AWS refreshes four people's tokens all day with an HTTP library, logged in both shapes Okta writes (the person as
 * the actor, or the app as the actor with the person as the token's subject). And the consent phishing of a person
 * into an attacker's app, whose tokens are then used from a VPS.
 */
import { PEOPLE, START } from './okta-org.js';
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
import { HOUR, MIN, type Prng, weekdays } from './prng.js';

const DAYS = weekdays(START, 20);
const OKHTTP = 'okhttp/4.12.0';
const PYTHON = 'python-requests/2.31.0';

/** An OAuth client as the actor of its own token grants. */
function clientActor(name: string): OktaActor {
  return { id: oktaId('0oa', name), type: 'PublicClientApp', alternateId: oktaId('0oa', name), displayName: name };
}

/** One refresh-token grant: a new access token and the rotated refresh token, two events as Okta logs them. */
function refreshGrant(
  at: number,
  client: OktaActor,
  person: OktaActor,
  place: OktaPlace,
  ua: string,
  actorIsPerson: boolean,
): OktaEventSpec[] {
  const base = {
    actor: actorIsPerson ? person : client,
    session: 'unknown',
    place,
    ua,
    device: 'Unknown',
    requestUri: '/oauth2/default/v1/token',
    debugData: { grantType: 'refresh_token', clientAuthType: 'client_secret_basic', grantedScopes: 'openid profile email offline_access' },
  };
  return (['access_token', 'refresh_token'] as const).map((kind, k) => ({
    ...base,
    at: at + k * 40,
    eventType: `app.oauth2.as.token.grant.${kind}`,
    displayMessage: kind === 'access_token' ? 'OAuth2 access token is granted' : 'OAuth2 refresh token is granted',
    target: [
      tokenTarget(kind, person, `${client.id}|${person.id}|${at}|${kind}`),
      actorIsPerson
        ? { id: client.id, type: client.type, alternateId: client.alternateId, displayName: client.displayName }
        : userTarget(person),
    ],
  }));
}

/**
 * The expense app's backend (AWS us-east-1, okhttp) refreshing bob's, carol's, dan's and sam's tokens every 20 to 60
 * minutes of their working day, from the log's first day. `actorIsPerson` picks which shape Okta logged.
 */
export function expenseAppBackend(rng: Prng, actorIsPerson: boolean, fromDay = 0): OktaEventSpec[] {
  const client = clientActor('Expense Cloud');
  const out: OktaEventSpec[] = [];
  const people = [
    [PEOPLE.bob, 14, 23],
    [PEOPLE.carol, 15, 24],
    [PEOPLE.dan, 13, 22],
    [PEOPLE.sam, 13, 22],
  ] as const;
  for (const day of DAYS.slice(fromDay)) {
    for (const [person, from, to] of people) {
      for (let at = day + from * HOUR + rng.int(0, 50) * MIN; at < day + to * HOUR; at += rng.int(20, 60) * MIN) {
        out.push(...refreshGrant(at, client, person, PLACES.awsUsEast, OKHTTP, actorIsPerson));
      }
    }
  }
  return out;
}

/**
 * Consent phishing: erin, at home in her own session, consents to "Docs Viewer", an app the attacker registered; the
 * attacker's server on a Finnish VPS then redeems and refreshes her tokens with python-requests, and with the
 * granted `okta.groups.manage` adds her to the administrators' group. Okta logs the grants without a session.
 */
export function consentPhishing(actorIsPerson: boolean): OktaTakeover {
  const erin = PEOPLE.erin;
  const client = clientActor('Docs Viewer');
  const t = DAYS[14]! + 16 * HOUR;
  const session = sessionId('erin-consent');
  const events: OktaEventSpec[] = [
    {
      actor: erin,
      session,
      place: PLACES.chicagoHome,
      ua: BROWSERS.winChrome,
      at: t,
      eventType: 'app.oauth2.as.consent.grant',
      target: [{ id: client.id, type: 'PublicClientApp', alternateId: client.alternateId, displayName: client.displayName }],
      requestUri: '/oauth2/default/v1/authorize',
      displayMessage: 'User granted consent to app',
    },
  ];
  const start = t + 3 * MIN;
  for (let k = 0; k < 6; k++) events.push(...refreshGrant(start + k * 25 * MIN, client, erin, PLACES.hetznerFi, PYTHON, actorIsPerson));
  const damageAt = start + 2 * HOUR + 30 * MIN;
  events.push({
    actor: erin,
    session: 'unknown',
    place: PLACES.hetznerFi,
    ua: PYTHON,
    device: 'Unknown',
    at: damageAt,
    eventType: 'group.user_membership.add',
    target: [
      userTarget(erin),
      { id: oktaId('00g', 'admins'), type: 'UserGroup', alternateId: 'Administrators', displayName: 'Administrators' },
    ],
    requestUri: `/api/v1/groups/${oktaId('00g', 'admins')}/users/${erin.id}`,
    displayMessage: 'Add user to group membership',
  });
  return { events, credential: `${client.id}/${erin.id}`, startAt: start, damageAt };
}

/**
 * bob's refresh token for the expense app, copied out of the app's database, refreshed with python-requests (from a
 * Moscow ISP, or from the backend's own cloud) while the app's backend goes on refreshing it from AWS with okhttp.
 */
export function stolenAppRefreshToken(actorIsPerson: boolean, place: OktaPlace = PLACES.moscow): OktaTakeover {
  const client = clientActor('Expense Cloud');
  const start = DAYS[13]! + 18 * HOUR;
  const events: OktaEventSpec[] = [];
  for (let k = 0; k < 4; k++) events.push(...refreshGrant(start + k * 40 * MIN, client, PEOPLE.bob, place, PYTHON, actorIsPerson));
  return { events, credential: `${client.id}/${PEOPLE.bob.id}`, startAt: start, damageAt: start + 40 * MIN };
}
