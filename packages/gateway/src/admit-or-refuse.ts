import type { IncomingMessage } from 'node:http';
import type { GatewayGuard, GuardDecision } from './gateway-guard.js';
import { headRefusal } from './request-head-checks.js';
import { delay, guardRequestOf } from './respond.js';
import type { Refusal } from './www-authenticate.js';

/** A decision that lets the request through. */
export type AdmittedDecision = Extract<GuardDecision, { allow: true }>;

/** What {@link admitOrRefuse} asks of the reverse proxy; made once per server, not per request. */
export interface AdmissionChecks {
  readonly guard: GatewayGuard;
  /** The 400 for an ambiguous credential (a second `Authorization`), with its challenges. */
  readonly malformedCredential: (reason: string) => Refusal;
}

/**
 * Answers a refused request on `target` (a `ServerResponse`, or the raw socket of an upgrade).
 * `early` is true when the head was refused before the guard decided; `req` is the request refused.
 */
export type RefusalWriter<T> = (target: T, refusal: Refusal, early: boolean, req: IncomingMessage) => void;

/**
 * The reverse proxy's gate for one request, shared by plain requests and upgrades: the head checks
 * ({@link headRefusal}), then the guard's decision and any probing delay it asks for. A refused
 * request is answered through `writeRefusal` and its access event recorded here; an admitted one
 * comes back for the caller to forward, and the caller calls `guard.finish` once it has.
 *
 * Returns a promise only when the guard's decision is pending or delayed, so that a request with a
 * cached credential is admitted in the same tick and spends no promise on the way.
 *
 * @example
 * ```ts
 * const admitted = admitOrRefuse(req, res, { guard, malformedCredential }, refuseOnResponse);
 * const decision = admitted instanceof Promise ? await admitted : admitted;
 * if (decision === undefined) return; // refused, answered and recorded
 * await forward(req, res, decision);
 * ```
 */
export function admitOrRefuse<T>(
  req: IncomingMessage,
  target: T,
  checks: AdmissionChecks,
  writeRefusal: RefusalWriter<T>,
): AdmittedDecision | undefined | Promise<AdmittedDecision | undefined> {
  const early = headRefusal(req, checks.malformedCredential);
  if (early) {
    writeRefusal(target, early, true, req);
    // Refused before the guard saw it, but detection still wants its access event (smuggling, header attacks).
    checks.guard.refusedEarly(guardRequestOf(req), early);
    return undefined;
  }
  // The guard answers at once for a cached credential; only what is really pending or delayed is awaited.
  const outcome = checks.guard.decide(guardRequestOf(req));
  if (outcome instanceof Promise || outcome.delayMs > 0) return admitLater(outcome, req, target, checks.guard, writeRefusal);
  return conclude(outcome, req, target, checks.guard, writeRefusal);
}

// The slow path: a decision that needed I/O, or a probing delay (served before the answer, refusal or not).
async function admitLater<T>(
  outcome: GuardDecision | Promise<GuardDecision>,
  req: IncomingMessage,
  target: T,
  guard: GatewayGuard,
  writeRefusal: RefusalWriter<T>,
): Promise<AdmittedDecision | undefined> {
  const decision = await outcome;
  if (decision.delayMs > 0) await delay(decision.delayMs);
  return conclude(decision, req, target, guard, writeRefusal);
}

function conclude<T>(
  decision: GuardDecision,
  req: IncomingMessage,
  target: T,
  guard: GatewayGuard,
  writeRefusal: RefusalWriter<T>,
): AdmittedDecision | undefined {
  if (decision.allow) return decision;
  writeRefusal(target, decision.refusal, false, req);
  guard.finish(decision, decision.refusal.status);
  return undefined;
}
