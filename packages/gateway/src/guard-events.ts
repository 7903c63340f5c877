import type { AccessEvent, LifecycleEvent, LifecycleEventType } from '@tokenwarden/core';
import type { ClientInfo } from './client-info.js';
import { fastId, isoTime } from './fast-ids.js';
import type { GuardDecision } from './guard-decision.js';
import type { VerifiedCredential } from './verified-credential.js';

/** The slice of a request an access event describes. */
export interface AccessEventInput {
  method: string;
  path: string | undefined;
  status: number;
  client: ClientInfo;
  credential: VerifiedCredential | undefined;
  userAgent: string | undefined;
  requestId: string;
  reason: string | undefined;
  route: number | undefined;
  scheme: string | undefined;
  bytesOut?: number | undefined;
}

const KIND: Record<VerifiedCredential['kind'], AccessEvent['credential_kind']> = {
  jwt: 'access_token',
  opaque: 'access_token',
  api_key: 'api_key',
  service_account_token: 'service_account_token',
};

/**
 * Builds the access event of one request (core schema; never carries a secret).
 *
 * @example
 * ```ts
 * sink.push(accessEvent({ method: 'GET', path: '/x', status: 200, client, credential, userAgent, requestId, reason: undefined, route: 0, scheme: 'bearer' }));
 * ```
 */
export function accessEvent(input: AccessEventInput, now: number = Date.now()): AccessEvent {
  const event: AccessEvent = {
    id: fastId('acc', now),
    time: isoTime(now),
    outcome: input.status < 400 ? 'success' : 'failure',
    status: input.status,
    method: input.method,
    source_ip: input.client.ip,
    request_id: input.requestId,
    source_system: 'gateway',
  };
  if (input.path !== undefined) event.path = input.path;
  if (input.credential) {
    event.credential_id = input.credential.id;
    event.credential_kind = KIND[input.credential.kind];
    event.principal = input.credential.subject;
  }
  if (input.userAgent !== undefined) event.user_agent = input.userAgent.slice(0, 512);
  if (input.reason !== undefined) event.error_code = input.reason;
  if (input.bytesOut !== undefined) event.bytes_out = input.bytesOut;
  const attributes: Record<string, unknown> = { secure: input.client.secure };
  if (input.route !== undefined) attributes.route = input.route;
  if (input.scheme !== undefined) attributes.scheme = input.scheme;
  if (input.credential?.clientId) attributes.client_id = input.credential.clientId;
  event.attributes = attributes;
  return event;
}

/** What the request path keeps of a finished request until its access event is built. */
export interface FinishedRequest {
  decision: GuardDecision;
  status: number;
  bytesOut: number | undefined;
  /** Epoch ms when the request finished (the event's time). */
  at: number;
}

/**
 * The access event of a finished request (built when the sink hands its batch over).
 *
 * @example
 * ```ts
 * const sink = new AccessEventSink<FinishedRequest>(publish, { toEvent: accessEventOf });
 * ```
 */
export function accessEventOf(r: FinishedRequest): AccessEvent {
  const d = r.decision;
  return accessEvent(
    {
      method: d.method,
      path: d.path,
      status: r.status,
      client: d.client,
      credential: d.credential,
      userAgent: d.userAgent,
      requestId: d.requestId,
      reason: d.allow ? undefined : d.refusal.reason,
      route: d.route?.index,
      scheme: d.scheme,
      // Passed as is (accessEvent leaves an undefined count out): a conditional spread here cost an
      // object per event.
      bytesOut: r.bytesOut,
    },
    r.at,
  );
}

/**
 * Builds a lifecycle event the gateway reports (exposure, revoked use, canary use, DPoP failure).
 *
 * @example
 * ```ts
 * publish(lifecycleEvent('token.exposed', { client, credential, requestId, reason: 'sent over plain HTTP' }));
 * ```
 */
export function lifecycleEvent(
  type: LifecycleEventType,
  input: {
    client: ClientInfo;
    credential?: VerifiedCredential | undefined;
    requestId: string;
    reason: string;
    userAgent?: string | undefined;
  },
): LifecycleEvent {
  const event: LifecycleEvent = {
    id: fastId('lce'),
    time: new Date().toISOString(),
    type,
    source_ip: input.client.ip,
    request_id: input.requestId,
    reason: input.reason,
    source_system: 'gateway',
  };
  if (input.credential) {
    event.credential_id = input.credential.id;
    event.credential_kind = KIND[input.credential.kind];
    event.principal = input.credential.subject;
    if (input.credential.clientId) event.client_id = input.credential.clientId;
    if (input.credential.grantId) event.grant_id = input.credential.grantId;
  }
  if (input.userAgent !== undefined) event.user_agent = input.userAgent.slice(0, 512);
  return event;
}
