import type { RuleName } from '../profile/layout.js';
import { K_ASN, K_CLIENT, K_IP, U_ASN, U_CLIENT, U_IP } from '../profile/layout.js';
import { topKCount, topKSize } from '../sketches/top-k.js';
import { anonymisingNetwork } from './anonymising-network.js';
import { knownToEither } from './baseline-knowledge.js';
import { eventStage } from './chain-position.js';
import { knownOktaDevice } from './okta-proxied-sign-in.js';
import { isSessionCredential } from './session-credential.js';
import { onlyThisNetwork } from './session-hops.js';
import type { DetectionContext, Finding } from './types.js';

/** Okta's session detections: it saw this session's context (address, device) change under it. */
const SESSION_MOVED: ReadonlySet<string> = new Set(['session_roaming', 'session_context_change', 'reevaluation_failed']);

// Scores are `vendorVerdict` in the config: a session moved onto a device the credential and its owner never used (a
// copied cookie); a success from an address the provider's threat intelligence flags, new to the credential and its
// owner, or one the owner uses (a shared NAT, a café: worth a look); a high risk rating from an unfamiliar context
// (novelty with a second opinion), or through an anonymising proxy, Tor or a rented server the owner does not work
// from (the provider's history and the network agree; a traveller's hotel is neither); and how much a high risk or a
// session move adds to the engine's own novelty finding on the same event (still novelty).

/** Okta's own behaviour detection (its history of the user, not ours) called the device new. */
function oktaSaysNewDevice(behaviors: unknown): boolean {
  return typeof behaviors === 'string' && /\bNew Device\b/i.test(behaviors);
}

/** The address and the client are both ones the credential or its principal already uses. */
function familiar(ctx: DetectionContext): { ip: boolean; client: boolean } {
  const { cred, principal } = ctx;
  return {
    // No address (or client) is nothing new.
    ip: knownToEither(cred, principal, U_IP, K_IP, ctx.ipHash),
    client: knownToEither(cred, principal, U_CLIENT, K_CLIENT, ctx.clientHash),
  };
}

/**
 * True when the event's session began on this network (no other network in it yet) and its device token is one of
 * its owner's: the owner signing in there, not a cookie carried there.
 */
function ownSignInThere(ctx: DetectionContext): boolean {
  const { cred } = ctx;
  if (ctx.ev.credential_kind !== 'saas_session' || cred === ctx.principal || !knownOktaDevice(ctx)) return false;
  return topKSize(cred.u, cred.uo + U_ASN, K_ASN) === 0 || onlyThisNetwork(ctx);
}

/** The finding of `rule` this event already raised, if any: the verdict strengthens it instead of repeating it. */
function existing(out: Finding[], rule: RuleName): Finding | undefined {
  for (const f of out) if (f.rule === rule) return f;
  return undefined;
}

function evidenceOf(ctx: DetectionContext, known: { ip: boolean; client: boolean }): Record<string, unknown> {
  const a = ctx.ev.attributes ?? {};
  return {
    source: ctx.ev.source_system,
    signal: a.vendor_signal,
    threat_suspected: a.vendor_threat === true || undefined,
    risk_level: a.vendor_risk,
    risk_reasons: a.vendor_risk_reasons,
    behaviors: a.vendor_behaviors,
    address_known: known.ip,
    client_known: known.client,
  };
}

/** Raise `rule`'s finding on this event to `score` (or add one), as evidence when `evidence` is true. */
function strengthen(
  ctx: DetectionContext,
  out: Finding[],
  rule: RuleName,
  score: number,
  evidence: boolean,
  summary: string,
  vendor: Record<string, unknown>,
): void {
  const f = existing(out, rule);
  if (f !== undefined) {
    f.score = Math.max(f.score, score);
    f.suspicion = Math.max(f.suspicion, score);
    if (evidence) f.noveltyOnly = false;
    f.summary = `${summary}; ${f.summary}`;
    f.evidence.vendor = vendor;
    return;
  }
  out.push({
    rule,
    score,
    stage: eventStage(ctx),
    summary,
    evidence: { source_ip: ctx.ev.source_ip, asn: ctx.asn || undefined, asn_kind: ctx.kind, client: ctx.ev.client?.family, vendor },
    noveltyOnly: !evidence,
    suspicion: score,
  });
}

/**
 * Weighs what the identity provider itself concluded (Okta's `vendor_*` attributes, see okta-vendor-signals.ts),
 * always against this credential's own baseline, so that a vendor's alarm about a context the owner uses does not
 * page, and the vendor's view lifts the engine's own findings where the two agree:
 * - the provider saw the session move (session roaming, Identity Threat Protection's context change, a failed
 *   re-evaluation) onto a device or client neither the session nor its owner used (or Okta itself calls the
 *   device new): evidence of a copied cookie, high, as `concurrent_use` (one session, two holders), even where
 *   the engine alone sees only a new address in the owner's own ISP and town (a thief behind a residential proxy
 *   matched to the victim's town). Moving to a new network with the owner's own laptop (a traveller, a phone
 *   hotspot) is what roaming detection also reports: that only adds to the engine's novelty finding;
 * - a request that succeeded from an address its threat intelligence flags (ThreatInsight), new to the credential
 *   and its owner: evidence, high, on `new_place`; from a known address, medium;
 * - its risk engine rated the request high from an unfamiliar context: adds to the engine's own novelty finding
 *   (still novelty, which pages only when corroborated), or raises a medium one; from an anonymising network its
 *   owner does not work from (`anonymisingNetwork`: Tor, Okta's proxy flag, a VPS), evidence, high.
 * A session seen to move onto such a network is evidence too, like a new device. With no baseline at all (a log that
 * starts at the theft) only these, Okta's own New Device, and ThreatInsight's flag (the address is new to the owner
 * then) count: the engine's familiar and new mean nothing yet.
 * Refused requests are left to the probing and lifecycle detectors: a blocked attempt is not a stolen token in use.
 * Runs after the place, client and concurrency detectors, whose findings on the event it strengthens.
 *
 * @example
 * ```ts
 * detectVendorVerdict(ctx, findings);
 * ```
 */
export function detectVendorVerdict(ctx: DetectionContext, out: Finding[]): void {
  const a = ctx.ev.attributes;
  if (a === undefined) return;
  const signal = typeof a.vendor_signal === 'string' && SESSION_MOVED.has(a.vendor_signal) ? a.vendor_signal : undefined;
  const threat = a.vendor_threat === true;
  const highRisk = a.vendor_risk === 'high';
  if (signal === undefined && !threat && !highRisk) return;
  // The company's own web gateway (Zscaler, Netskope) is what Okta's risk engine calls an anonymising proxy: a risk
  // rated through it, with nothing else, is the gateway's, and only a managed laptop gets there.
  if (signal === undefined && !threat && ctx.kind === 'security_proxy' && ctx.org.isCommon(ctx.org.asns, ctx.asn)) return;
  // With no baseline, nothing is familiar or new to the engine: only Okta's own word, and where the request came
  // from (an anonymising proxy, Tor, a rented server), say anything (a log that starts at the theft).
  const cold = ctx.cred.events === 0 && ctx.principal.events === 0;
  const hidden = anonymisingNetwork(ctx);
  if (cold && hidden === undefined && !threat && !oktaSaysNewDevice(a.vendor_behaviors)) return;
  const known = familiar(ctx);
  const vendor = evidenceOf(ctx, known);
  const session = signal !== undefined && isSessionCredential(ctx);
  const newDevice = (!cold && !known.client) || oktaSaysNewDevice(a.vendor_behaviors);
  // Moved onto it, not roaming within it: a session that began on a relay (iCloud Private Relay, a VPN the person
  // runs) hops between its exits all day.
  const movedOntoHidden = hidden !== undefined && topKCount(ctx.cred.u, ctx.cred.uo + U_ASN, K_ASN, ctx.asn) === 0;
  if (session && (newDevice || movedOntoHidden)) {
    strengthen(
      ctx,
      out,
      'concurrent_use',
      ctx.cfg.vendorVerdict.sessionMovedScore,
      true,
      `identity provider saw the session move (${signal.replace(/_/g, ' ')}) ${newDevice ? 'onto a device its owner never used' : `onto ${hidden}`}`,
      vendor,
    );
    return;
  }
  if (ctx.ev.outcome === 'failure' && !session) return;
  if (highRisk && hidden !== undefined && ctx.ev.outcome !== 'failure') {
    // A person who signs in through their own VPN abroad, on their own laptop, is what Okta rates high (a new IP far
    // away) and flags (a proxy): the session began there on a device they own. Novelty, which pages only corroborated.
    const own = ownSignInThere(ctx);
    strengthen(
      ctx,
      out,
      'new_place',
      own ? Math.min(ctx.cfg.vendorVerdict.hiddenHighRiskScore, ctx.cfg.risk.highScore - 1) : ctx.cfg.vendorVerdict.hiddenHighRiskScore,
      !own,
      `identity provider rated the request high risk, from ${hidden}${own ? ', in a session its owner began there on their own device' : ''}`,
      vendor,
    );
    return;
  }
  // ThreatInsight's own report (`security.threat.detected`, ALLOW in log-only mode) is about a request, often one
  // attempt of a password spray against the actor, not a request that succeeded: left to the probing detectors.
  if (threat && ctx.ev.outcome !== 'failure' && a.vendor_signal !== 'threat_detected') {
    const fresh = !known.ip;
    strengthen(
      ctx,
      out,
      'new_place',
      fresh ? ctx.cfg.vendorVerdict.flaggedSourceScore : ctx.cfg.vendorVerdict.flaggedKnownSourceScore,
      fresh,
      `request succeeded from an address the identity provider's threat intelligence flags${fresh ? ', new to this credential and its owner' : ''}`,
      vendor,
    );
    return;
  }
  if ((highRisk || session) && !(known.ip && known.client)) {
    const rule: RuleName = !known.ip ? 'new_place' : 'new_client';
    const own = existing(out, rule);
    const score =
      own === undefined
        ? ctx.cfg.vendorVerdict.highRiskScore
        : Math.min(ctx.cfg.risk.highScore - 1, own.score + ctx.cfg.vendorVerdict.highRiskBoost);
    const why = session ? `saw the session move (${signal.replace(/_/g, ' ')})` : 'rated the request high risk';
    strengthen(
      ctx,
      out,
      rule,
      Math.max(score, own?.score ?? 0),
      false,
      `identity provider ${why}${a.vendor_risk_reasons ? ` (${String(a.vendor_risk_reasons)})` : ''}`,
      vendor,
    );
  }
}
