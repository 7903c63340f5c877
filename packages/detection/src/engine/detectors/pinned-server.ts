import { K_IP, U_IP } from '../profile/layout.js';
import { topKSize } from '../sketches/top-k.js';
import type { DetectionContext } from './types.js';

/** History from which a credential's addresses say where it lives. */
const PINNED_MIN_EVENTS = 100;
/** A server calls from its own address or two (a VPC endpoint, its Elastic IP); CI runners from a pool. */
const PINNED_MAX_ADDRESSES = 2;

/**
 * True when the credential (or its principal, whose sessions rotate) has a long history from one or two addresses
 * only: a server pinned to its host, such as an EC2 instance's role (session keys rotate every few hours, the
 * instance does not move). A CI job gets a fresh runner from a pool of addresses every time, so another region
 * of the same cloud is routine for it; for a pinned server the same cloud elsewhere is its keys used from another
 * machine (GuardDuty's InstanceCredentialExfiltration.InsideAWS: a thief on an EC2 instance of its own).
 *
 * @example
 * ```ts
 * const ciMoving = sameCloud && !pinnedServer(ctx);
 * ```
 */
export function pinnedServer(ctx: DetectionContext): boolean {
  const p = ctx.principal.events > ctx.cred.events ? ctx.principal : ctx.cred;
  return p.events >= PINNED_MIN_EVENTS && topKSize(p.u, p.uo + U_IP, K_IP) <= PINNED_MAX_ADDRESSES;
}
