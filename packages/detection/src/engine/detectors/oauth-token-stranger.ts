import { K_CLIENT, U_CLIENT } from '../profile/layout.js';
import { topKCount } from '../sketches/top-k.js';
import { eventStage } from './chain-position.js';
import { establishedBackendClients, oauthClientOf } from './oauth-app-backend.js';
import type { DetectionContext, Finding } from './types.js';

/** Score of an app's token used by a client its backend never uses, from a server or an anonymising network. */
const STRANGER_SCORE = 70;
/** Networks a stolen refresh token is redeemed from (a person's own app runs on their phone or laptop). */
const SERVER_KINDS: ReadonlySet<string> = new Set(['hosting', 'vpn', 'tor']);

/**
 * A person's OAuth token for an app used by a client the app's backend never uses: the refresh tokens of a SaaS
 * integration stolen from its database (Salesloft Drift, 2025) and redeemed with the thief's HTTP library from a
 * server, even in the backend's own cloud. Once an app has an established backend (one network and HTTP client it used
 * for `APP_BACKEND_MIN_PEOPLE` people or more), a scripted call with another HTTP client, from a hosting network, VPN
 * or Tor, is evidence (`new_client`, 70): an app's servers do not change their HTTP library for one person. Not for a
 * client the person's own history shows (a native app they use), nor before the app has a backend.
 *
 * @example
 * ```ts
 * detectOAuthStranger(ctx, findings);
 * ```
 */
export function detectOAuthStranger(ctx: DetectionContext, out: Finding[]): void {
  if (ctx.appBackend || !ctx.scripted || ctx.clientHash === 0 || ctx.ev.outcome === 'failure' || !SERVER_KINDS.has(ctx.kind)) return;
  const client = oauthClientOf(ctx);
  if (client === undefined) return;
  const usual = establishedBackendClients(ctx.org, client);
  if (usual === undefined || usual.has(ctx.clientHash)) return;
  const { principal } = ctx;
  if (topKCount(principal.u, principal.uo + U_CLIENT, K_CLIENT, ctx.clientHash) > 0) return;
  out.push({
    rule: 'new_client',
    score: STRANGER_SCORE,
    stage: eventStage(ctx),
    summary: `app ${client}'s token for ${ctx.ev.principal ?? 'a person'} used with ${ctx.ev.client?.family ?? 'an unknown client'}, which the app's backend never uses, from ${ctx.ev.geo?.as_org ?? `AS${ctx.asn}`} (${ctx.kind})`,
    evidence: {
      kind: 'oauth_token_stranger',
      oauth_client: client,
      client: ctx.ev.client?.family,
      user_agent: ctx.ev.user_agent,
      asn: ctx.asn || undefined,
      asn_kind: ctx.kind,
      backend_clients: usual.size,
    },
    noveltyOnly: false,
    suspicion: STRANGER_SCORE,
  });
}
