import { K_ASN, K_IP, U_ASN, U_IP } from '../profile/layout.js';
import { knownToEither } from './baseline-knowledge.js';
import { eventStage } from './chain-position.js';
import type { DetectionContext, Finding } from './types.js';

/** Score of the root user at work from an address and network its history does not show: act now. */
const ROOT_NEW_PLACE_SCORE = 70;
/** Score of the root user at work from where it worked before: worth a look, every time. */
const ROOT_KNOWN_PLACE_SCORE = 45;

/**
 * The AWS account's root user at work (CloudTrail `userIdentity.type` `Root`): it can do anything, cannot be
 * restricted by a policy, and AWS's own guidance (and the CIS benchmark's alarm on root usage) is that nobody needs it
 * day to day. A call with it from an address and network its history does not show (a root access key left in a
 * repository, a phished root password) is high with no baseline at all; from where it worked before (the owner
 * closing an account, a billing change), medium. A call an AWS service makes for the account (`invokedBy`, a service
 * as the source address) is no person holding the root user. Rule `privileged_change`, `evidence.kind`
 * `root_usage`; one alert per credential per dedupe window unless it escalates.
 *
 * @example
 * ```ts
 * detectRootUsage(ctx, findings);
 * ```
 */
export function detectRootUsage(ctx: DetectionContext, out: Finding[]): void {
  const a = ctx.ev.attributes;
  if (a?.identity_type !== 'Root' || ctx.ev.outcome === 'failure' || a.invoked_by !== undefined || a.source_service !== undefined) return;
  const { cred, principal } = ctx;
  const knownPlace =
    ctx.credMature || ctx.principalMature
      ? knownToEither(cred, principal, U_IP, K_IP, ctx.ipHash) || knownToEither(cred, principal, U_ASN, K_ASN, ctx.asn)
      : false;
  const score = knownPlace ? ROOT_KNOWN_PLACE_SCORE : ROOT_NEW_PLACE_SCORE;
  out.push({
    rule: 'privileged_change',
    score,
    stage: eventStage(ctx),
    summary: `the account's root user at work (${ctx.cls.name})${knownPlace ? ', from where it worked before' : ' from an address and network its history does not show'}`,
    evidence: {
      kind: 'root_usage',
      operation: ctx.cls.name,
      source_ip: ctx.ev.source_ip,
      asn: ctx.asn || undefined,
      as_org: ctx.ev.geo?.as_org,
      client: ctx.ev.client?.family,
      known_place: knownPlace,
      baseline: { credential_events: cred.events, principal_events: principal.events },
    },
    noveltyOnly: false,
    suspicion: knownPlace ? 0 : score,
  });
}
