import { F_FIRST_PRIV_TS, F_PRIV_EVENTS } from '../profile/layout.js';
import type { DetectionContext } from './types.js';

/**
 * Age of a credential's first privileged change from which its changes are a habit: an earlier working session
 * (a nightly apply and the next afternoon's are 12-24 h apart), never the attacker's own change minutes ago.
 */
const CHANGE_HABIT_MIN_AGE_MS = 12 * 3_600_000;
/**
 * Clients that apply infrastructure as code: one run of theirs may hold a credential's first changes. Packer builds
 * machine images the same way: a temporary key pair, security group and instance per region, then the image.
 */
const IAC_FAMILIES: ReadonlySet<string> = new Set(['terraform', 'pulumi', 'packer']);
/** Desktop operating systems: a CLI or SDK there is a person at their laptop, not a pipeline. */
const DESKTOP_OS = /^(mac ?os|windows)/i;
/** Largest interactive share of a credential that still counts as automation. */
const AUTOMATION_MAX_INTERACTIVE_SHARE = 0.1;

/**
 * True when the credential is automation whose job is making changes (Terraform, a deploy pipeline):
 * non-interactive, past its learning period, with `privileged.changeMakerEvents` privileged changes
 * already behind it, the first of them at least 12 hours old (or, with `sameDay`, none at all when the client is an
 * infrastructure-as-code tool, Terraform, Pulumi or Packer, or a cloud service acting for it: a person's CLI key making
 * two changes in a row has no such excuse). Such a credential calls a privileged operation it never called before whenever
 * the code it applies changes, so a new kind of change from its usual runner and client is its work,
 * not an attacker's progress. Callers combine this with a familiar context: from a new place or client it proves
 * nothing.
 *
 * @example
 * ```ts
 * if (!unfamiliar && isChangeMaker(ctx)) score = Math.min(score, 50);
 * ```
 */
export function isChangeMaker(ctx: DetectionContext, sameDay = false): boolean {
  const { cred, cfg } = ctx;
  // `sameDay`: infrastructure as code needs no earlier change. Its first apply after days of plans makes changes
  // the code says (a bucket policy, alarms of destroyed resources deleted), and an alert on its first change keeps
  // that change out of the baseline, so a count of earlier changes would page its second one. Each run of a CI
  // role gets a session of its own (a new key, `terraform-<run id>`): one run is never learned, its role is.
  if (sameDay && byDeploymentTooling(ctx)) {
    const learned = ctx.credMature ? cred : ctx.principal !== cred && ctx.principalMature ? ctx.principal : undefined;
    if (learned !== undefined && learned.events > 0 && learned.interactiveShare <= AUTOMATION_MAX_INTERACTIVE_SHARE) return true;
  }
  // Earned over a learned baseline: changes made minutes ago by a credential still being learned may be the
  // attacker's own first steps.
  if (!ctx.credMature) return false;
  if (cred.events === 0 || cred.interactiveShare > AUTOMATION_MAX_INTERACTIVE_SHARE) return false;
  // A habit is changes made in an earlier session: an attacker's own first change minutes ago proves none.
  const firstChange = cred.f[cred.fo + F_FIRST_PRIV_TS]!;
  if (firstChange === 0 || ctx.now - firstChange < CHANGE_HABIT_MIN_AGE_MS) return false;
  return cred.f[cred.fo + F_PRIV_EVENTS]! >= cfg.privileged.changeMakerEvents;
}

/**
 * True when the call is made by infrastructure as code (Terraform, Pulumi, Packer) or by a cloud service acting for the
 * credential (CloudFormation, a service-linked role): whatever it creates or deletes is what the code says, so
 * its first run on a credential with no baseline is no sign of an intruder.
 *
 * @example
 * ```ts
 * if (byDeploymentTooling(ctx)) return; // a stack deleting its own trail
 * ```
 */
export function byDeploymentTooling(ctx: DetectionContext): boolean {
  return IAC_FAMILIES.has(ctx.ev.client?.family.toLowerCase() ?? '') || ctx.ev.attributes?.invoked_by !== undefined;
}

/**
 * True when this call comes from a person's laptop: a client on macOS or Windows that is not an
 * infrastructure-as-code tool. The console is not the only sign of a person (aws-cli on a Mac is one too), so
 * such a credential's privileged changes are never excused as change-making automation, however
 * non-interactive its history looks. Terraform run from a laptop is still infrastructure as code.
 *
 * @example
 * ```ts
 * const changeMaker = !onPersonsDesktop(ctx) && isChangeMaker(ctx);
 * ```
 */
export function onPersonsDesktop(ctx: DetectionContext): boolean {
  const client = ctx.ev.client;
  if (client?.os === undefined || IAC_FAMILIES.has(client.family.toLowerCase())) return false;
  return DESKTOP_OS.test(client.os);
}
