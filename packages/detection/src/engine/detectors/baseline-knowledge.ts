import { B_OP_BLOOM, K_IP, OP_BLOOM_BYTES, U_IP } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { bloomHas } from '../sketches/bloom.js';
import { topKCount } from '../sketches/top-k.js';
import type { DetectionContext } from './types.js';

/**
 * Whether the credential or its principal already uses `key` in the top-k sketch at `offset` (`U_IP`, `U_ASN`...);
 * 0, an unknown value, counts as known. A plain function, not a per-event closure.
 *
 * @example
 * ```ts
 * knownToEither(ctx.cred, ctx.principal, U_ASN, K_ASN, ctx.asn);
 * ```
 */
export function knownToEither(cred: Profile, principal: Profile, offset: number, k: number, key: number): boolean {
  return key === 0 || topKCount(cred.u, cred.uo + offset, k, key) > 0 || topKCount(principal.u, principal.uo + offset, k, key) > 0;
}

/**
 * Whether the credential or its principal already called the event's operation (their operation blooms; false for
 * an event that names none).
 *
 * @example
 * ```ts
 * const habitual = operationUsed(ctx);
 * ```
 */
export function operationUsed(ctx: DetectionContext): boolean {
  const { cred, principal, opHash } = ctx;
  return (
    opHash !== 0 &&
    (bloomHas(cred.b, cred.bo + B_OP_BLOOM, OP_BLOOM_BYTES, opHash) ||
      bloomHas(principal.b, principal.bo + B_OP_BLOOM, OP_BLOOM_BYTES, opHash))
  );
}

/** Place or client novelty below which the context is the credential's own (a new address in its usual network and city). */
const FAMILIAR_MAX_NOVELTY = 10;

/**
 * Whether the event comes from the credential's (or its principal's) own place and client, with nothing suspicious
 * about the credential yet: where its owner works. A new address inside a known network and city still counts.
 *
 * @example
 * ```ts
 * const ownersBusyDay = familiarContext(ctx);
 * ```
 */
export function familiarContext(ctx: DetectionContext): boolean {
  return (
    ctx.placeNovelty < FAMILIAR_MAX_NOVELTY && ctx.clientNovelty < FAMILIAR_MAX_NOVELTY && ctx.suspicion < ctx.cfg.chain.contextMinScore
  );
}

/** Events from one address from which it is its owner's desk (working days of it, not a few evenings). */
const DESK_MIN_EVENTS = 50;
/** Share of the profile's events an address needs to be a desk (home and office are both one). */
const DESK_MIN_SHARE = 0.2;

/**
 * Whether the event comes from the owner's desk: the very address the credential, or its principal, has made at
 * least `minEvents` ({@link DESK_MIN_EVENTS} unless a caller with less at stake asks for fewer) events and a fifth of its events from, with no novelty of place or client. Stricter than
 * {@link familiarContext}: a thief replaying the token from the victim's own town and ISP has another address.
 *
 * @example
 * ```ts
 * const ownWork = atUsualDesk(ctx) && ctx.suspicion < ctx.cfg.chain.contextMinScore;
 * ```
 */
export function atUsualDesk(ctx: DetectionContext, minEvents = DESK_MIN_EVENTS): boolean {
  if (ctx.placeNovelty !== 0 || ctx.clientNovelty !== 0 || ctx.ipHash === 0) return false;
  const { cred, principal } = ctx;
  if (deskOf(cred, ctx.ipHash, minEvents)) return true;
  return principal !== cred && ctx.principalMature && deskOf(principal, ctx.ipHash, minEvents);
}

// A desk is where a good share of the work happens: an address a patient thief has used for days is not one yet.
function deskOf(p: Profile, ipHash: number, minEvents: number): boolean {
  const n = topKCount(p.u, p.uo + U_IP, K_IP, ipHash);
  return n >= minEvents && n >= DESK_MIN_SHARE * p.events;
}
