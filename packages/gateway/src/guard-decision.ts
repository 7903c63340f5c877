import type { IncomingHttpHeaders } from 'node:http';
import type { ClientInfo } from './client-info.js';
import { type PresentedCredential, redactSecrets } from './extract-credential.js';
import type { CompiledRoute } from './route-matcher.js';
import type { VerifiedCredential } from './verified-credential.js';
import type { Refusal } from './www-authenticate.js';

/** The parts of an HTTP request the guard looks at, whatever the server framework. */
export interface GuardRequest {
  method: string;
  /** The raw request target (`/path?query`). */
  target: string;
  headers: IncomingHttpHeaders;
  /** Address of the TCP peer. */
  peer: string | undefined;
  /** True when the socket is TLS. */
  encrypted: boolean;
}

/** The guard's verdict on a request. */
export type GuardDecision = {
  requestId: string;
  client: ClientInfo;
  method: string;
  path: string | undefined;
  route: CompiledRoute | undefined;
  credential: VerifiedCredential | undefined;
  scheme: PresentedCredential['scheme'] | undefined;
  userAgent: string | undefined;
  /** Wait this long before answering (probing throttle). */
  delayMs: number;
  /**
   * True when the credential was read from the query (a route with `allow_query_token`): the
   * proxy strips it from the forwarded URL and marks a success response `Cache-Control: private`.
   */
  tokenInQuery: boolean;
} & ({ allow: true; forwardTarget: string } | { allow: false; refusal: Refusal });

/**
 * A decision in the making: every field of a {@link GuardDecision}, the verdict still open. The
 * guard fills one draft per request and turns that same object into the decision (one object
 * shape and no copy on the hot path).
 */
export type DecisionDraft = Omit<GuardDecision, 'allow' | 'forwardTarget' | 'refusal'> & {
  allow: boolean;
  forwardTarget: string | undefined;
  refusal: Refusal | undefined;
};

/**
 * Seals `d` as admitted, forwarding `forwardTarget`.
 *
 * @example
 * ```ts
 * return allowed(draft, target.forwardTarget);
 * ```
 */
export function allowed(d: DecisionDraft, forwardTarget: string): GuardDecision {
  d.allow = true;
  d.forwardTarget = forwardTarget;
  d.refusal = undefined;
  return d as GuardDecision;
}

/**
 * Seals `d` as refused with `refusal`.
 *
 * @example
 * ```ts
 * return denied(draft, refuse(403, 'access_denied', 'no matching route'));
 * ```
 */
export function denied(d: DecisionDraft, refusal: Refusal): GuardDecision {
  // A refused path may carry a secret (a `tw_` key in the path is refused for that): the decision,
  // and so its access event, keeps it redacted. Only refused requests pay for the check.
  if (d.path !== undefined) d.path = redactSecrets(d.path);
  d.allow = false;
  d.forwardTarget = undefined;
  d.refusal = refusal;
  return d as GuardDecision;
}

/**
 * A decision in the making for `req` from `client`: nothing decided yet.
 *
 * @example
 * ```ts
 * const base = draftDecision(req, client, fastId('req', Date.now()));
 * ```
 */
export function draftDecision(req: GuardRequest, client: ClientInfo, requestId: string): DecisionDraft {
  return {
    requestId,
    client,
    method: req.method,
    path: undefined,
    route: undefined,
    credential: undefined,
    scheme: undefined,
    userAgent: headerValue(req.headers['user-agent']),
    delayMs: 0,
    tokenInQuery: false,
    allow: false,
    forwardTarget: undefined,
    refusal: undefined,
  };
}

/**
 * A request header as one string: repeated fields joined with `, ` (RFC 9110 §5.3), or undefined.
 *
 * @example
 * ```ts
 * headerValue(['a', 'b']); // 'a, b'
 * ```
 */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * A request between the guard's verification steps (the credential is present, the route matched):
 * what the steps after the credential lookup, which may be asynchronous, carry along.
 */
export interface PendingRequest {
  req: GuardRequest;
  base: DecisionDraft;
  forwardTarget: string;
  route: CompiledRoute;
  presented: Extract<PresentedCredential, { token: string }>;
  /** SHA-256 of the token (base64url): the cache key, and a DPoP proof's `ath`. */
  hashKey: string;
}
