import type { CredentialKind } from '@tokenwarden/core';
import type { Rng } from '../prng.js';
import type { Operation } from './operations.js';

/**
 * The account every simulated call lands in.
 *
 * @example
 * ```ts
 * toCloudTrail(ev, ACCOUNT_ID).recipientAccountId; // '418295730164'
 * ```
 */
export const ACCOUNT_ID = '418295730164';

/** The simulated company's name, used in bucket names and the SaaS host. */
export const COMPANY = 'northwind';

/** Who holds a credential, as CloudTrail would name them. */
export interface SimCredential {
  /** The access key id (what detection keys on). */
  id: string;
  kind: CredentialKind;
  /** IAM user name of the holder. */
  userName: string;
  /** IAM unique id (`AIDA...`). */
  principalId: string;
  /** True for a person, false for automation. */
  human: boolean;
}

/**
 * One simulated API call, before it is written in any format. Every output format is rendered
 * from this one record, so the same event has the same id everywhere.
 */
export interface SimEvent {
  id: string;
  /** Event time, UTC milliseconds. */
  time: number;
  credential: SimCredential;
  ip: string;
  userAgent: string;
  op: Operation;
  /** Resource the call touched (bucket/key, user name, trail, ...), when it has one. */
  resource?: string;
  region: string;
  status: number;
  errorCode?: string;
  errorMessage?: string;
  interactive: boolean;
  bytesOut: number;
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A new simulated IAM credential with AWS-shaped identifiers (`AKIA` access key id, `AIDA`
 * principal id).
 *
 * @example
 * ```ts
 * newCredential(rng, 'alice.nguyen', true).id; // 'AKIA...'
 * ```
 */
export function newCredential(rng: Rng, userName: string, human: boolean): SimCredential {
  return {
    id: `AKIA${rng.chars(16, KEY_ALPHABET)}`,
    kind: 'cloud_access_key',
    userName,
    principalId: `AIDA${rng.chars(17, KEY_ALPHABET)}`,
    human,
  };
}

/** What a generator needs to say about one call; {@link makeEvent} fills in the rest. */
export interface EventDraft {
  time: number;
  credential: SimCredential;
  ip: string;
  userAgent: string;
  op: Operation;
  resource?: string;
  region?: string;
  /** HTTP-like status; 200 when omitted. */
  status?: number;
  errorCode?: string;
  interactive: boolean;
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
}

const ERROR_MESSAGES: Record<string, (d: EventDraft) => string> = {
  AccessDenied: (d) =>
    `User: arn:aws:iam::${ACCOUNT_ID}:user/${d.credential.userName} is not authorized to perform: ${d.op.name}${d.resource ? ` on resource: ${d.resource}` : ''} because no identity-based policy allows the ${d.op.name} action`,
  NoSuchKey: () => 'The specified key does not exist.',
  NoSuchBucket: () => 'The specified bucket does not exist',
  NoSuchEntity: (d) => `The user with name ${d.resource ?? 'unknown'} cannot be found.`,
  ResourceNotFoundException: () => 'Requested resource not found',
  ThrottlingException: () => 'Rate exceeded',
};

/**
 * Completes a draft into an event with an id drawn from `rng`, a region, a size and, for
 * failures, the error code and message AWS would return.
 *
 * @example
 * ```ts
 * makeEvent(rng, { time, credential, ip, userAgent, op: op('s3:ListBuckets'), interactive: false });
 * ```
 */
export function makeEvent(rng: Rng, d: EventDraft): SimEvent {
  const status = d.status ?? 200;
  const failed = status >= 400;
  const errorCode = failed
    ? (d.errorCode ?? (status === 403 ? 'AccessDenied' : status === 404 ? 'ResourceNotFoundException' : 'ThrottlingException'))
    : undefined;
  const ev: SimEvent = {
    id: rng.uuid(),
    time: Math.floor(d.time),
    credential: d.credential,
    ip: d.ip,
    userAgent: d.userAgent,
    op: d.op,
    region: d.region ?? 'us-east-1',
    status,
    interactive: d.interactive,
    bytesOut: failed ? rng.int(180, 420) : Math.max(64, Math.round(d.op.bytes * rng.float(0.3, 1.8))),
  };
  if (d.resource !== undefined) ev.resource = d.resource;
  if (errorCode !== undefined) {
    ev.errorCode = errorCode;
    ev.errorMessage = (ERROR_MESSAGES[errorCode] ?? (() => errorCode))(d);
  }
  if (d.requestParameters) ev.requestParameters = d.requestParameters;
  if (d.responseElements && !failed) ev.responseElements = d.responseElements;
  return ev;
}
