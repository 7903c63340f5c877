import { isObject, type JsonObject, objAt, strAt } from '../fields.js';

/** Actor and target types Okta gives an OAuth client (an app's own identity, not a person's). */
const CLIENT_TYPES: ReadonlySet<string> = new Set(['PublicClientApp', 'AppInstance', 'Client', 'OAuth2Client']);
/** Token targets of an authorization-server event, whose `detailEntry.subject` is the person the token is for. */
const TOKEN_TYPES: ReadonlySet<string> = new Set(['access_token', 'refresh_token', 'id_token']);

/** One OAuth grant as Okta's authorization server logs it: the client holding the token and the person it acts for. */
export interface OktaOAuthGrant {
  /** The grant as a credential: `<client id>/<person id>`, or the client id alone for a client acting as itself. */
  credential: string;
  /** The person (their login, else their id), or the client when the grant acts for no person. */
  principal: string;
}

/** Okta's placeholders for a value it does not know. */
function usable(v: string | undefined): string | undefined {
  return v !== undefined && v !== '' && v.toLowerCase() !== 'unknown' && v.toLowerCase() !== 'null' ? v : undefined;
}

function firstTarget(targets: unknown, pick: (t: JsonObject) => boolean): JsonObject | undefined {
  if (!Array.isArray(targets)) return undefined;
  for (const t of targets) if (isObject(t) && pick(t)) return t;
  return undefined;
}

/**
 * The grant behind a sessionless `app.oauth2.*` event (a token granted, refreshed, revoked or reused). Okta logs
 * these with no session, with either the client or the person as the actor; either way the token belongs to the
 * pair. Keying them by the person would read an app backend's refreshes (from its cloud, with an HTTP library) as
 * the person's own use, and keying them by the client would pool every person's tokens: a copy of one person's
 * refresh token, replayed from elsewhere, would hide among the app's others. Undefined when the event is not an
 * OAuth token event or names no client.
 *
 * @example
 * ```ts
 * oktaOAuthGrant('app.oauth2.as.token.grant.access_token', actor, event.target, debugData, event.client.id)?.credential; // "0oa1.../00u2..."
 * ```
 */
export function oktaOAuthGrant(
  eventType: string,
  actor: JsonObject | undefined,
  targets: unknown,
  debugData: JsonObject | undefined,
  requestClientId?: string,
): OktaOAuthGrant | undefined {
  if (!eventType.startsWith('app.oauth2.') || !eventType.includes('.token.')) return undefined;
  const actorType = strAt(actor, 'type');
  const actorIsPerson = actorType === 'User';
  // Okta names the OAuth client of a request in `client.id` when no target or debug field does.
  const clientId = actorIsPerson
    ? (strAt(
        firstTarget(targets, (t) => CLIENT_TYPES.has(strAt(t, 'type') ?? '')),
        'id',
      ) ??
      strAt(debugData, 'clientId') ??
      usable(requestClientId))
    : actorType !== undefined && CLIENT_TYPES.has(actorType)
      ? strAt(actor, 'id')
      : undefined;
  if (clientId === undefined) return undefined;
  let personId: string | undefined;
  let personLogin: string | undefined;
  if (actorIsPerson) {
    personId = strAt(actor, 'id');
    personLogin = strAt(actor, 'alternateId');
  } else {
    const person = firstTarget(targets, (t) => strAt(t, 'type') === 'User');
    personId = strAt(person, 'id');
    personLogin = strAt(person, 'alternateId');
    if (personId === undefined) {
      const token = firstTarget(targets, (t) => TOKEN_TYPES.has(strAt(t, 'type') ?? ''));
      const subject = strAt(objAt(token, 'detailEntry'), 'subject');
      // A client-credentials token's subject is the client itself: no person.
      if (subject !== clientId) personId = subject;
    }
  }
  personId = usable(personId);
  if (personId === undefined) return { credential: clientId, principal: usable(strAt(actor, 'alternateId')) ?? clientId };
  return { credential: `${clientId}/${personId}`, principal: usable(personLogin) ?? personId };
}

/**
 * The OAuth client a person's `app.oauth2.*` event in their own session names (an authorization, a consent): Okta
 * puts it in `client.id` or `debugData.clientId`. Undefined for other events.
 *
 * @example
 * ```ts
 * oktaSessionOAuthClient('app.oauth2.as.consent.grant', event.client, debugData); // "0oa5..."
 * ```
 */
export function oktaSessionOAuthClient(
  eventType: string,
  client: JsonObject | undefined,
  debugData: JsonObject | undefined,
): string | undefined {
  if (!eventType.startsWith('app.oauth2.')) return undefined;
  return usable(strAt(client, 'id')) ?? usable(strAt(debugData, 'clientId'));
}

/**
 * The grant type of an OAuth token event (`debugData.grantType`), the device grant's URN shortened to
 * `device_code`.
 *
 * @example
 * ```ts
 * oktaGrantType({ grantType: 'urn:ietf:params:oauth:grant-type:device_code' }); // "device_code"
 * ```
 */
export function oktaGrantType(debugData: JsonObject | undefined): string | undefined {
  const raw = usable(strAt(debugData, 'grantType'));
  if (raw === undefined) return undefined;
  const urn = /^urn:ietf:params:oauth:grant-type:(.+)$/i.exec(raw);
  return (urn ? urn[1]! : raw).slice(0, 64);
}
