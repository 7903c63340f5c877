import type { AsnKind } from '../../enriched-event.js';
import { K_IP, U_IP } from '../profile/layout.js';
import { topKCount } from '../sketches/top-k.js';
import type { DetectionContext } from './types.js';

/** Times an address must have been seen on the credential before a hop to it between habitual servers is not news. */
export const KNOWN_ADDRESS_MIN = 3;

/**
 * True when the event and the other place are both hosting networks and this event's address is one the credential
 * keeps coming from: two servers sharing the key (an active-active service in two clouds or regions), once both
 * networks are habitual. People's networks never qualify: one session alternating between two homes is a copied
 * cookie however familiar both addresses have become.
 *
 * @example
 * ```ts
 * if (bothHabitual && habitualServerPair(ctx, otherKind)) return;
 * ```
 */
export function habitualServerPair(ctx: DetectionContext, otherKind: AsnKind): boolean {
  const cred = ctx.cred;
  return (
    ctx.kind === 'hosting' &&
    otherKind === 'hosting' &&
    ctx.ipHash !== 0 &&
    topKCount(cred.u, cred.uo + U_IP, K_IP, ctx.ipHash) >= KNOWN_ADDRESS_MIN
  );
}

/**
 * True when a scripted client on a credential with no baseline at all (neither it nor its principal has finished
 * learning) runs from two hosting networks: how a new integration's servers look from their first minutes, since
 * nothing yet says which of the two is the usual one. Reported as novelty, so it cannot page by itself or keep the
 * servers out of the baseline; a thief's concurrent use of a young key still shows in what it does (probing,
 * the chain).
 *
 * @example
 * ```ts
 * const noveltyOnly = coldServerPair(ctx, otherKind);
 * ```
 */
export function coldServerPair(ctx: DetectionContext, otherKind: AsnKind): boolean {
  return ctx.kind === 'hosting' && otherKind === 'hosting' && ctx.scripted && !ctx.credMature && !ctx.principalMature;
}
