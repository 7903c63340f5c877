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
 * oktaOAuthGrant('app.oauth2.as.token.grant.access_token', actor, event.target, debugData)?.credential; // "0oa1.../00u2..."
 * ```
 */
export function oktaOAuthGrant(
  eventType: string,
  actor: JsonObject | undefined,
  targets: unknown,
  debugData: JsonObject | undefined,
): OktaOAuthGrant | undefined {
  if (!eventType.startsWith('app.oauth2.') || !eventType.includes('.token.')) return undefined;
  const actorType = strAt(actor, 'type');
  const actorIsPerson = actorType === 'User';
  const clientId = actorIsPerson
    ? (strAt(
        firstTarget(targets, (t) => CLIENT_TYPES.has(strAt(t, 'type') ?? '')),
        'id',
      ) ?? strAt(debugData, 'clientId'))
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
  const usable = (v: string | undefined) => (v !== undefined && v !== '' && v.toLowerCase() !== 'unknown' ? v : undefined);
  personId = usable(personId);
  if (personId === undefined) return { credential: clientId, principal: usable(strAt(actor, 'alternateId')) ?? clientId };
  return { credential: `${clientId}/${personId}`, principal: usable(personLogin) ?? personId };
}
