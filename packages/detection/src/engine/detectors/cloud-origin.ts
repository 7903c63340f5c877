import { INTERNAL_NETWORK_KEY } from '../unregistered-network.js';
import type { DetectionContext } from './types.js';

/**
 * Amazon's own networks (AMAZON-02, AMAZON-AES, the EC2 ranges of AS8987): where an instance, a container or a
 * NAT gateway of the account calls from.
 */
const AWS_ASNS: ReadonlySet<number> = new Set([16509, 14618, 8987]);

/**
 * Whether the call came from inside the cloud the account runs in: the internal network (a VPC endpoint), one of
 * Amazon's networks (an instance's public address, a NAT gateway), or a cloud service acting for the caller. A
 * workload's own calls come from there; a thief replays its keys from anywhere else. False for an address with no
 * known network at all (nothing to judge by).
 *
 * @example
 * ```ts
 * if (!insideAws(ctx)) score = 75; // a bulk secret read from a VPS, not from the app's own instance
 * ```
 */
export function insideAws(ctx: DetectionContext): boolean {
  const a = ctx.ev.attributes;
  if (a?.source_service !== undefined || a?.vpc_endpoint_id !== undefined || a?.invoked_by !== undefined) return true;
  return ctx.asn === INTERNAL_NETWORK_KEY || AWS_ASNS.has(ctx.asn);
}

/**
 * Whether the call came from a known network outside Amazon's (a registered ASN that is not AWS, not the internal
 * network, no service acting): the opposite of {@link insideAws}, but false where the address is unknown to the
 * databases (lab data's documentation ranges), so that nothing is concluded from an address no one can place.
 *
 * @example
 * ```ts
 * outsideAws(ctx); // true for a DigitalOcean droplet
 * ```
 */
export function outsideAws(ctx: DetectionContext): boolean {
  return ctx.asn !== 0 && ctx.networkLabel === undefined && !insideAws(ctx);
}

/**
 * Whether the call came through the account's own network rather than merely from Amazon's: the internal network
 * (a VPC endpoint, a private address) or a cloud service acting for the caller. Stricter than {@link insideAws}: an
 * address of Amazon's is also where a thief's own instances, in the thief's own account, call from.
 *
 * @example
 * ```ts
 * if (viaOwnNetwork(ctx)) return; // the account's own workload
 * ```
 */
export function viaOwnNetwork(ctx: DetectionContext): boolean {
  const a = ctx.ev.attributes;
  if (a?.source_service !== undefined || a?.vpc_endpoint_id !== undefined || a?.invoked_by !== undefined) return true;
  return ctx.asn === INTERNAL_NETWORK_KEY;
}
