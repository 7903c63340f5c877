import type { AsnKind } from '../../enriched-event.js';
import { K_ASN, K_IP, U_ASN, U_IP } from '../profile/layout.js';
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

/** Most of a machine credential's calls are scripted: at most this share was interactive. */
const MACHINE_MAX_INTERACTIVE_SHARE = 0.1;

/**
 * True when one end of a hop is a hosting network the credential keeps calling from and the other is known to be a
 * person's network (home, office, carrier), on a mature credential that is almost never used interactively: a server key
 * used by its fleet and, meanwhile, by someone at a laptop. A fleet does not travel, so the speed between the two
 * says nothing; whether the second user is the developer or a thief is for the new place, the new client and what
 * they do. A browser session moving to a server stays travel.
 *
 * @example
 * ```ts
 * if (fleetAndPerson(ctx, lastKind, lastAsn)) return; // no journey to judge
 * ```
 */
export function fleetAndPerson(ctx: DetectionContext, otherKind: AsnKind, otherAsn: number): boolean {
  const here = ctx.kind === 'hosting';
  // A network known to be a person's; one of unknown kind may be a thief's server (an app backend's refresh token
  // replayed from a Moscow host whose kind no list knows is a journey).
  const personKind = here ? otherKind : ctx.kind;
  if (here === (otherKind === 'hosting') || !ctx.credMature) return false;
  if (personKind !== 'residential' && personKind !== 'business' && personKind !== 'mobile') return false;
  if (ctx.cred.interactiveShare > MACHINE_MAX_INTERACTIVE_SHARE) return false;
  const fleetAsn = here ? ctx.asn : otherAsn;
  return fleetAsn !== 0 && topKCount(ctx.cred.u, ctx.cred.uo + U_ASN, K_ASN, fleetAsn) >= KNOWN_ADDRESS_MIN;
}
