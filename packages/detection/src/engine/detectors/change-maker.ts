import { F_EVENTS, F_INTERACTIVE, F_PRIV_EVENTS } from '../profile/layout.js';
import type { DetectionContext } from './types.js';

/** Largest interactive share of a credential that still counts as automation. */
const AUTOMATION_MAX_INTERACTIVE_SHARE = 0.1;

/**
 * True when the credential is automation whose job is making changes (Terraform, a deploy pipeline):
 * non-interactive, past its learning period, with `privileged.changeMakerEvents` privileged changes
 * already behind it. Such a credential calls a privileged operation it never called before whenever
 * the code it applies changes, so a new kind of change from its usual runner and client is its work,
 * not an attacker's progress. Callers combine this with a familiar context: from a new place or client it proves
 * nothing.
 *
 * @example
 * ```ts
 * if (!unfamiliar && isChangeMaker(ctx)) score = Math.min(score, 50);
 * ```
 */
export function isChangeMaker(ctx: DetectionContext): boolean {
  const { cred, cfg } = ctx;
  // Earned over a learned baseline: changes made minutes ago by a credential still being learned may be the
  // attacker's own first steps.
  if (!ctx.credMature) return false;
  const events = cred.f[cred.fo + F_EVENTS]!;
  if (events === 0) return false;
  const interactiveShare = cred.f[cred.fo + F_INTERACTIVE]! / events;
  return interactiveShare <= AUTOMATION_MAX_INTERACTIVE_SHARE && cred.f[cred.fo + F_PRIV_EVENTS]! >= cfg.privileged.changeMakerEvents;
}
