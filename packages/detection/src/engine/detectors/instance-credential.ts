import { K_ASN, U_ASN } from '../profile/layout.js';
import { knownToEither } from './baseline-knowledge.js';
import { eventStage } from './chain-position.js';
import { outsideAws } from './cloud-origin.js';
import { QuietPeriod } from './quiet-period.js';
import type { DetectionContext, Finding } from './types.js';

/**
 * The session EC2 gives an instance profile's role is named after the instance (`assumed-role/web-app/i-0a1b2c3d`):
 * those keys live on the instance and are used from it, or through Amazon's networks on its behalf.
 */
const INSTANCE_SESSION = /:assumed-role\/[^/]+\/i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/**
 * One alert per session key per `instanceCredential.repeatAfterHours` (an hour): the thief's next calls are the same
 * story (the chain tells the rest).
 */
const QUIET = new QuietPeriod();

/**
 * An EC2 instance's role keys used from a network outside AWS (GuardDuty's InstanceCredentialExfiltration.OutsideAWS):
 * an SSRF or a shell on the instance handed its metadata-service keys to a thief, who replays them from a VPS or a
 * laptop (Stratus Red Team's ec2-steal-instance-credentials, the Capital One intrusion). No baseline is needed: the
 * session's name says the keys belong to an instance, and an instance calls from inside AWS (its VPC endpoint, its
 * public address, a NAT gateway). A network the session or its principal already used, or one much of the organisation
 * works from (instances egressing through the company's own proxy), is at home; an address no database places proves
 * nothing.
 *
 * @example
 * ```ts
 * detectInstanceCredentialOutside(ctx, findings);
 * ```
 */
export function detectInstanceCredentialOutside(ctx: DetectionContext, out: Finding[]): void {
  const principal = ctx.ev.principal;
  if (principal === undefined) return;
  // Every event passes here: look at the session name's first two characters before running the expression.
  const slash = principal.lastIndexOf('/');
  if (slash < 0 || principal.charCodeAt(slash + 1) !== 105 || principal.charCodeAt(slash + 2) !== 45) return;
  if (!INSTANCE_SESSION.test(principal) || !outsideAws(ctx)) return;
  if (knownToEither(ctx.cred, ctx.principal, U_ASN, K_ASN, ctx.asn) || ctx.org.isCommon(ctx.org.asns, ctx.asn)) return;
  // An instance's keys used from outside AWS are stolen: act now.
  const t = ctx.cfg.instanceCredential;
  if (!QUIET.admits(ctx.cred, ctx.now, t.repeatAfterHours * 3_600_000)) return;
  const geo = ctx.ev.geo;
  out.push({
    rule: 'attack_chain',
    score: t.score,
    stage: eventStage(ctx),
    summary: `an EC2 instance's role keys used from outside AWS (${geo?.as_org ?? `AS${ctx.asn}`}${geo?.country ? `, ${geo.country}` : ''}): instance credentials exfiltrated`,
    evidence: {
      kind: 'instance_credential_outside_aws',
      session: principal.slice(principal.lastIndexOf('/') + 1),
      source_ip: ctx.ev.source_ip,
      asn: ctx.asn,
      asn_org: geo?.as_org,
      network_kind: ctx.kind,
      advanced_by: ctx.cls.name,
    },
    noveltyOnly: false,
    suspicion: t.score,
  });
}
