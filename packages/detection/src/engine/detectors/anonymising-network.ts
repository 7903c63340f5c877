import { K_ASN, U_ASN } from '../profile/layout.js';
import { topKCount } from '../sketches/top-k.js';
import { isSessionCredential } from './session-credential.js';
import type { DetectionContext } from './types.js';

/** Events of a principal from a network after which it is where that person works, anonymiser or not. */
const HOME_NETWORK_EVENTS = 20;

/**
 * A person's browser: a session credential, or a log that names no session or token (only the actor) for a client
 * that is not a script. An API token or a service app on a cloud server is where it should be.
 */
function personAtBrowser(ctx: DetectionContext): boolean {
  if (isSessionCredential(ctx)) return true;
  return ctx.ev.credential_kind === undefined && ctx.ev.client !== undefined && !ctx.scripted;
}

/**
 * Where the event came from, when it is a place a stolen session or token is replayed from and its owner does not
 * work from: Tor, an address the identity provider flags as an anonymising proxy (Okta's `securityContext.isProxy`:
 * the residential and VPN proxies of the 2023 session thefts and of Scattered Spider), or, for a person's browser,
 * a hosting network (a person's browser does not run on a rented server). Undefined otherwise, and for a network
 * the credential or its principal already has 20 events from (an administrator who always works through a VPN).
 * Needs no baseline: with none, nothing is a home network. Every VPN is not one: companies route whole
 * workforces through some (Cloudflare WARP), and API tokens run from cloud servers by design.
 *
 * @example
 * ```ts
 * anonymisingNetwork(ctx); // 'an address the identity provider flags as an anonymising proxy'
 * ```
 */
export function anonymisingNetwork(ctx: DetectionContext): string | undefined {
  if (ctx.asn === 0) return undefined;
  // Okta's flag covers companies' secure web gateways too (Zscaler, Netskope): where managed laptops egress.
  const proxy = ctx.ev.attributes?.is_proxy === true && ctx.kind !== 'security_proxy';
  const where =
    ctx.kind === 'tor'
      ? 'Tor'
      : proxy
        ? 'an address the identity provider flags as an anonymising proxy'
        : ctx.kind === 'hosting' && personAtBrowser(ctx)
          ? 'a hosting network'
          : undefined;
  if (where === undefined) return undefined;
  const { cred, principal } = ctx;
  const seen = Math.max(topKCount(cred.u, cred.uo + U_ASN, K_ASN, ctx.asn), topKCount(principal.u, principal.uo + U_ASN, K_ASN, ctx.asn));
  return seen >= HOME_NETWORK_EVENTS ? undefined : where;
}
