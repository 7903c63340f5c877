import { isObject, type JsonObject } from '../../ingest/fields.js';
import { F_COLD_RECON_TS } from '../profile/layout.js';
import { byDeploymentTooling } from './change-maker.js';
import { isAdminGrant, requestParametersOf, targetsOtherUser } from './change-target.js';
import { itemsOf } from './cloud-abuse-steps.js';
import { outsideAws } from './cloud-origin.js';
import { QuietPeriod } from './quiet-period.js';
import type { DetectionContext, Finding } from './types.js';

/** One alert per credential per `hostedEscalation.repeatAfterHours` (the chain tells the rest). */
const QUIET = new QuietPeriod();

/** Calls that hand the caller a way back in that outlives the key: a console password, federated sessions, a trusted CA. */
const TAKEOVER_OPERATIONS: ReadonlySet<string> = new Set([
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'sts:GetFederationToken',
  'rolesanywhere:CreateTrustAnchor',
]);

/** Remote administration ports: SSH and RDP. */
const ADMIN_PORTS = [22, 3389];

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** The objects of a CloudTrail list (`{ items: [...] }` or an array). */
function listOf(v: unknown): JsonObject[] {
  return itemsOf(v).filter(isObject);
}

/**
 * An ingress rule that opens SSH, RDP or every port to the whole internet (`0.0.0.0/0`, `::/0`), as CloudTrail logs
 * `AuthorizeSecurityGroupIngress`: the door a thief opens to log in to the account's machines.
 */
function opensAdminPortToWorld(params: Record<string, unknown> | undefined): boolean {
  for (const p of listOf(params?.ipPermissions)) {
    const world = listOf(p.ipRanges).some((r) => r.cidrIp === '0.0.0.0/0') || listOf(p.ipv6Ranges).some((r) => r.cidrIpv6 === '::/0');
    if (!world) continue;
    if (p.ipProtocol === '-1' || p.ipProtocol === -1) return true;
    const from = num(p.fromPort);
    const to = num(p.toPort) ?? from;
    if (from !== undefined && to !== undefined && ADMIN_PORTS.some((port) => from <= port && port <= to)) return true;
  }
  return false;
}

/** What makes this call a takeover step, or undefined. */
function takeoverOf(ctx: DetectionContext): string | undefined {
  const { cls, ev } = ctx;
  if (cls.privilege === 'grant' && isAdminGrant(ev)) return 'administrator access granted';
  if (cls.name === 'ec2:AuthorizeSecurityGroupIngress' && opensAdminPortToWorld(requestParametersOf(ev))) {
    return 'SSH, RDP or every port opened to the internet';
  }
  if (!TAKEOVER_OPERATIONS.has(cls.name)) return undefined;
  if (cls.name.endsWith('LoginProfile')) return targetsOtherUser(ev) ? 'a console password set for another user' : undefined;
  return cls.name === 'sts:GetFederationToken'
    ? 'federated sessions minted (they outlive the key)'
    : 'a certificate authority trusted for role sessions';
}

/**
 * The unbaselined chain's other ending: a credential neither it nor its principal has a baseline for, that looked
 * around (a validity check, probe or discovery within the chain window) and then, from a rented server (a hosting
 * network outside AWS, not one common in the organisation), grants administrator access, sets a console password for
 * another user, mints federated sessions, trusts a new certificate authority or opens SSH, RDP or every port to the
 * internet: Stratus Red Team's iam-create-admin-user, iam-create-user-login-profile, iam-update-user-login-profile,
 * sts-federation-token, rolesanywhere-create-trust-anchor and ec2-security-group-open-port-22-ingress, run as leaked
 * keys are run. An administrator onboarding people from a new key does it from an office, a home or the console, and
 * deployment tooling is exempt (Packer opens SSH to its builders); keys created for another user (rotation jobs in CI
 * do that) stay with the privileged-change rule.
 *
 * @example
 * ```ts
 * detectHostedEscalation(ctx, findings);
 * ```
 */
export function detectHostedEscalation(ctx: DetectionContext, out: Finding[]): void {
  if (ctx.cls.privilege === 'none' || ctx.credMature || ctx.principalMature) return;
  if (ctx.ev.outcome === 'failure' || ctx.authFailure || ctx.ev.interactive === true || byDeploymentTooling(ctx)) return;
  const step = takeoverOf(ctx);
  if (step === undefined || ctx.kind !== 'hosting' || !outsideAws(ctx) || ctx.org.isCommon(ctx.org.asns, ctx.asn)) return;
  const cred = ctx.cred;
  const recon = cred.f[cred.fo + F_COLD_RECON_TS]!;
  if (recon === 0 || recon > ctx.now || ctx.now - recon > ctx.cfg.chain.windowHours * 3_600_000) return;
  // A key with no baseline that looked around, then took over from a rented server: act now.
  const t = ctx.cfg.hostedEscalation;
  if (!QUIET.admits(cred, ctx.now, t.repeatAfterHours * 3_600_000)) return;
  out.push({
    rule: 'attack_chain',
    score: t.score,
    stage: ctx.cls.stage,
    summary: `a credential with no learned baseline looked around, then from a hosting network outside AWS: ${step} (${ctx.cls.name})`,
    evidence: {
      kind: 'hosted_escalation',
      step,
      advanced_by: ctx.cls.name,
      looked_around_at: new Date(recon).toISOString(),
      network_kind: ctx.kind,
      asn: ctx.asn,
      asn_org: ctx.ev.geo?.as_org,
    },
    noveltyOnly: false,
    suspicion: t.score,
    alwaysReport: true,
  });
}
