import { countryCode } from '../country-code.js';
import { boolAt, compact, isObject, type JsonObject, numAt, objAt, strAt } from '../fields.js';
import { recordLocation, recordOrigin } from '../record-location.js';
import { eventTimeText, normaliseIp, parseEventTime } from '../time-and-ip.js';
import type { NetworkHint, NormalisedEvent, ParseOutcome, RecordContext } from '../types.js';
import { oktaGrantType, oktaOAuthGrant, oktaSessionOAuthClient } from './okta-oauth-grant.js';
import { isOktaInternalClient, oktaVendorSignals } from './okta-vendor-signals.js';

/**
 * True when a JSON object looks like an Okta System Log event.
 *
 * @example
 * ```ts
 * looksOkta({ eventType: 'user.session.start', actor: {}, published: '2026-01-01T00:00:00Z' }); // true
 * ```
 */
export function looksOkta(o: JsonObject): boolean {
  return 'eventType' in o && ('actor' in o || 'authenticationContext' in o) && ('published' in o || 'client' in o);
}

function outcomeOf(result: string | undefined): NormalisedEvent['outcome'] {
  switch (result?.toUpperCase()) {
    case 'SUCCESS':
    case 'ALLOW':
      return 'success';
    case 'FAILURE':
    case 'DENY':
      return 'failure';
    default:
      return 'unknown';
  }
}

function hintOf(client: JsonObject | undefined, security: JsonObject | undefined): NetworkHint | undefined {
  const geo = objAt(client, 'geographicalContext');
  const point = objAt(geo, 'geolocation');
  const country = strAt(geo, 'country');
  const hint: NetworkHint = compact({
    country: country === undefined ? undefined : countryCode(country),
    city: strAt(geo, 'city'),
    lat: numAt(point, 'lat'),
    lon: numAt(point, 'lon'),
    asn: numAt(security, 'asNumber'),
    as_org: strAt(security, 'asOrg'),
    proxy: boolAt(security, 'isProxy'),
  });
  return Object.keys(hint).length > 0 ? hint : undefined;
}

function targetOf(targets: unknown): string | undefined {
  if (!Array.isArray(targets)) return undefined;
  for (const t of targets) {
    if (!isObject(t)) continue;
    const type = strAt(t, 'type');
    const name = strAt(t, 'alternateId') ?? strAt(t, 'displayName') ?? strAt(t, 'id');
    if (name) return (type ? `${type}:${name}` : name).slice(0, 512);
  }
  return undefined;
}

/** Event types that change something a responder may have to undo (not sign-ins, reads or verifications). */
const CHANGE_EVENT =
  /\.(create|grant|add|deactivate|activate|update|delete|reset|remove|suspend|unsuspend|assign)(d)?(\.|$)|\.deactivated$/;
/** Most targets kept from one event (a group membership names the user and the group). */
const MAX_TARGETS = 4;

/**
 * The targets of a change (`{type, id, alternateId}`): what the response runbook's Okta API calls name. Undefined
 * for other events, which keep only `resource`.
 */
function changeTargets(eventType: string | undefined, targets: unknown): { type: string; id: string; alternate_id?: string }[] | undefined {
  if (eventType === undefined || !CHANGE_EVENT.test(eventType) || !Array.isArray(targets)) return undefined;
  const out: { type: string; id: string; alternate_id?: string }[] = [];
  for (const t of targets) {
    if (out.length >= MAX_TARGETS) break;
    if (!isObject(t)) continue;
    const type = strAt(t, 'type');
    const id = strAt(t, 'id');
    if (type === undefined || id === undefined) continue;
    const alternate = strAt(t, 'alternateId');
    out.push({
      type: type.slice(0, 64),
      id: id.slice(0, 128),
      ...(alternate === undefined ? {} : { alternate_id: alternate.slice(0, 256) }),
    });
  }
  return out.length > 0 ? out : undefined;
}

/** The role named by a privilege grant: its `ROLE` target's name, else `debugData.privilegeGranted`. */
function oktaRoleOf(targets: unknown, debugData: JsonObject | undefined): string | undefined {
  if (Array.isArray(targets)) {
    for (const t of targets) {
      if (isObject(t) && strAt(t, 'type')?.toUpperCase() === 'ROLE') {
        const name = strAt(t, 'displayName') ?? strAt(t, 'alternateId');
        if (name !== undefined && name.toLowerCase() !== 'unknown') return name.slice(0, 128);
      }
    }
  }
  return strAt(debugData, 'privilegeGranted')?.slice(0, 256);
}

/**
 * A sign-in Okta refused before any session existed (a wrong password, a refused factor, a request ThreatInsight
 * blocked, an account locked by failed guesses): someone tried the account, nobody used a credential. Password
 * sprays and credential stuffing log one or two per guess against each person they try, from the sprayer's
 * address and tool, so reading them as the person's own use would page on every account sprayed.
 */
function isRefusedSignIn(eventType: string, outcome: NormalisedEvent['outcome'], credential: string | undefined): boolean {
  if (credential !== undefined || outcome !== 'failure') return false;
  return (
    eventType.startsWith('user.session.start') ||
    eventType.startsWith('user.authentication.') ||
    eventType.startsWith('security.threat.') ||
    eventType.startsWith('security.request.blocked') ||
    eventType === 'user.account.lock'
  );
}

/**
 * Parses one Okta System Log event. The credential is `authenticationContext.externalSessionId`
 * (the session a stolen cookie rides on); when Okta logs none (or `unknown`, or a per-request `trs…`
 * transaction id), the API token the call was made with (`transaction.detail.requestApiTokenId`), else for an OAuth token event the
 * grant (client and person: {@link oktaOAuthGrant}), else the actor id, so calls with a stolen SSWS
 * token, a stolen refresh token and pre-session failures still count against a credential.
 *
 * @example
 * ```ts
 * parseOktaRecord(event, { source: 'okta.json', line: 1 });
 * ```
 */
export function parseOktaRecord(record: unknown, ctx: RecordContext): ParseOutcome {
  if (!isObject(record)) return { kind: 'error', reason: 'Okta event is not a JSON object' };
  const eventType = strAt(record, 'eventType');
  if (!eventType) return { kind: 'error', reason: 'Okta event without eventType' };
  const ts = parseEventTime(record.published);
  if (ts === undefined) return { kind: 'error', reason: 'Okta event without a readable published time' };
  const actor = objAt(record, 'actor');
  const auth = objAt(record, 'authenticationContext');
  const rawSession = strAt(auth, 'externalSessionId');
  // A call made with an Okta API token (SSWS) names the token: the credential an attacker replays.
  const apiTokenId = strAt(objAt(objAt(record, 'transaction'), 'detail'), 'requestApiTokenId');
  // An API call gets a transaction's own id (`trs…`) where a browser has its session: one per request, no session.
  const sessionId =
    rawSession && rawSession.toLowerCase() !== 'unknown' && apiTokenId === undefined && !rawSession.startsWith('trs')
      ? rawSession
      : undefined;
  const debugData = objAt(objAt(record, 'debugContext'), 'debugData');
  const client = objAt(record, 'client');
  const grant = (sessionId ?? apiTokenId) ? undefined : oktaOAuthGrant(eventType, actor, record.target, debugData, strAt(client, 'id'));
  const credential = sessionId ?? apiTokenId ?? grant?.credential ?? strAt(actor, 'id');
  if (!credential) return { kind: 'ignored', why: 'Okta event without a session or actor' };

  const rawIp = strAt(client, 'ipAddress');
  const parsedIp = rawIp ? normaliseIp(rawIp) : undefined;
  if (rawIp && !parsedIp) return { kind: 'error', reason: 'client.ipAddress is not an IP address' };
  // Okta's own services acting in the org: their cloud address and client are not the session holder's.
  const internal = isOktaInternalClient(client);
  const sourceIp = internal ? undefined : parsedIp;
  const outcome = objAt(record, 'outcome');
  const eventOutcome = outcomeOf(strAt(outcome, 'result'));
  const security = objAt(record, 'securityContext');
  const requestUri = strAt(debugData, 'requestUri');
  const userAgent = objAt(client, 'userAgent');

  const event: NormalisedEvent = compact({
    id: strAt(record, 'uuid') ?? recordLocation(ctx),
    time: eventTimeText(record.published, ts),
    ts,
    credential_id: credential,
    credential_key: credential,
    credential_kind: sessionId
      ? ('saas_session' as const)
      : apiTokenId
        ? ('api_key' as const)
        : grant?.credential.includes('/')
          ? ('refresh_token' as const)
          : undefined,
    principal: grant?.principal ?? strAt(actor, 'alternateId') ?? strAt(actor, 'id'),
    source_ip: sourceIp,
    user_agent: internal ? undefined : strAt(userAgent, 'rawUserAgent')?.slice(0, 1024),
    device_id: internal ? undefined : (strAt(objAt(client, 'device') ?? undefined, 'id') ?? strAt(debugData, 'dtHash')),
    operation: `okta:${eventType}`,
    path: requestUri?.split('?')[0]?.slice(0, 1024),
    resource: targetOf(record.target),
    outcome: eventOutcome,
    request_id: strAt(objAt(record, 'transaction'), 'id') ?? strAt(debugData, 'requestId'),
    error_code: strAt(outcome, 'reason')?.slice(0, 128),
    source_system: 'okta',
    origin: recordOrigin(ctx),
    attributes: compact({
      event_type: eventType,
      outcome_result: strAt(outcome, 'result'),
      severity: strAt(record, 'severity'),
      display_message: strAt(record, 'displayMessage')?.slice(0, 256),
      auth_provider: strAt(auth, 'authenticationProvider'),
      credential_provider: strAt(auth, 'credentialProvider'),
      credential_type: strAt(auth, 'credentialType'),
      actor_type: strAt(actor, 'type'),
      okta_session: sessionId !== undefined,
      sign_in_attempt: isRefusedSignIn(eventType, eventOutcome, sessionId ?? apiTokenId) || undefined,
      is_proxy: boolAt(security, 'isProxy'),
      domain: strAt(security, 'domain'),
      okta_internal: internal || undefined,
      // The OAuth client holding a person's token: where an app's backend runs is learned across the people it serves.
      oauth_client: grant?.credential.includes('/') ? grant.credential.slice(0, grant.credential.indexOf('/')) : undefined,
      oauth_grant_type: grant === undefined ? undefined : oktaGrantType(debugData),
      oauth_scopes:
        grant === undefined ? undefined : (strAt(debugData, 'grantedScopes') ?? strAt(debugData, 'requestedScopes'))?.slice(0, 512),
      // The administrator role a privilege grant hands out (a ROLE target, or Okta's debug field).
      okta_role: eventType.endsWith('.privilege.grant') ? oktaRoleOf(record.target, debugData) : undefined,
      // In a person's own session, the client they authorized or consented to: an app onboarded by its user.
      oauth_authorized_client: sessionId === undefined ? undefined : oktaSessionOAuthClient(eventType, client, debugData),
      okta_internal_ip: internal ? parsedIp : undefined,
      // What a change acted on, by id: the response runbook's Okta API calls undo it from these.
      okta_targets: changeTargets(eventType, record.target),
      // The factor of an MFA attempt and how a push was answered: a refused or unanswered Okta Verify push is logged
      // as an `auth_via_mfa` failure, its refusal only here (`OV_RESPONSE_DENY`).
      mfa_factor: strAt(debugData, 'factor')?.slice(0, 64),
      push_response: (strAt(debugData, 'pushOnlyResponseType') ?? strAt(debugData, 'pushWithNumberChallengeResponseType'))?.slice(0, 64),
      ...oktaVendorSignals(eventType, debugData),
    }),
    network_hint: internal ? undefined : hintOf(client, security),
  });
  return { kind: 'event', event };
}
