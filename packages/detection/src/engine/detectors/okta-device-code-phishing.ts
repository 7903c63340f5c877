import { STAGE_VALIDITY_CHECK } from '../classify/operation-class.js';
import { K_ASN, U_ASN } from '../profile/layout.js';
import { topKCount } from '../sketches/top-k.js';
import { anonymisingNetwork } from './anonymising-network.js';
import { oktaPlaybookFinding } from './okta-playbook-finding.js';
import { lastSessionPlace } from './session-travel.js';
import type { DetectionContext, Finding } from './types.js';

/** Events a person needs before a network can be new to them. */
const MIN_PERSON_EVENTS = 10;
/** A device code lives minutes (Okta: 10): the approval and the redemption are that close. */
const APPROVAL_WINDOW_MS = 15 * 60_000;

/** True when the event is a token granted through the device authorization grant (RFC 8628). */
function deviceCodeGrant(ctx: DetectionContext, type: string): boolean {
  return ctx.ev.attributes?.oauth_grant_type === 'device_code' && type.startsWith('app.oauth2.') && type.includes('.token.grant');
}

/**
 * Device-code phishing (Storm-2372 and its kin): the attacker starts a device authorization with a genuine public
 * client (a CLI, a TV app), sends the person the verification link and the user code, and the person approves it in
 * their own browser; the attacker's poller then redeems the device code for the person's tokens, refresh token
 * included. Nothing the person did is unusual, and the client is the company's own: what gives it away is where the
 * tokens went. The device grant hands them to the device that asked, which is normally the person's own machine
 * (their laptop's terminal) on a network they use: here it is a rented server, or an anonymising network, that
 * neither the person nor the organisation works from.
 *
 * High at the grant, before the tokens are used: the theft has happened. A developer who runs the CLI on a cloud
 * workstation they use has that network in their history; the company's own cloud is common to its people.
 *
 * @example
 * ```ts
 * deviceCodePhishing(ctx, 'app.oauth2.as.token.grant.refresh_token', findings);
 * ```
 */
export function deviceCodePhishing(ctx: DetectionContext, type: string, out: Finding[]): void {
  if (!deviceCodeGrant(ctx, type) || ctx.ev.outcome === 'failure' || ctx.asn === 0) return;
  const { principal, org } = ctx;
  const hidden = ctx.kind === 'hosting' ? 'a hosting network' : anonymisingNetwork(ctx);
  if (hidden === undefined || principal === ctx.cred) return;
  if (topKCount(principal.u, principal.uo + U_ASN, K_ASN, ctx.asn) > 0 || org.isCommon(org.asns, ctx.asn)) return;
  // The approval: the person's own session on another network minutes ago. Without it, only a history of theirs
  // elsewhere says the server is not where they work.
  const who = ctx.ev.principal;
  const approval = who === undefined ? undefined : lastSessionPlace(ctx, who);
  const approvedElsewhere = approval !== undefined && approval.asn !== ctx.asn && ctx.now - approval.ts <= APPROVAL_WINDOW_MS;
  if (!approvedElsewhere && principal.events < MIN_PERSON_EVENTS) return;
  out.push(
    oktaPlaybookFinding(
      ctx,
      'device_code_phishing',
      ctx.cfg.oktaTakeover.score,
      STAGE_VALIDITY_CHECK,
      `${ctx.ev.principal ?? 'a person'}'s tokens granted by device code to ${hidden} (${ctx.ev.geo?.as_org ?? `AS${ctx.asn}`}) they never used: a device authorization phished`,
      {
        oauth_client: ctx.ev.attributes?.oauth_client,
        grant_type: 'device_code',
        scopes: ctx.ev.attributes?.oauth_scopes,
        person_events: principal.events,
        approved_from_asn: approvedElsewhere ? approval.asn : undefined,
        user_agent: ctx.ev.user_agent,
      },
      // Every refresh from there is the same theft: reported again only once the dedupe window has passed.
      false,
    ),
  );
}
