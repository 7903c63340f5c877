import type { DetectionContext, Finding } from './types.js';

/**
 * The bare Okta event type of `okta:<eventType>` (the Okta parser) or `Okta:<eventType>` (an OCSF producer naming
 * the service Okta), else undefined: the playbooks read Okta's event types only.
 *
 * @example
 * ```ts
 * oktaType(ctx); // 'user.session.start' for operation 'okta:user.session.start'
 * ```
 */
export function oktaType(ctx: DetectionContext): string | undefined {
  const op = ctx.ev.operation;
  // Runs for every event of every source: no allocation unless it is Okta's.
  if (op === undefined || op.length <= 5 || op.charCodeAt(4) !== 58) return undefined;
  return op.startsWith('okta:') || op.startsWith('Okta:') || op.startsWith('OKTA:') ? op.slice(5) : undefined;
}

/**
 * The finding of an Okta takeover playbook: rule `attack_chain`, `evidence.kind` `okta_takeover`, `evidence.playbook`
 * naming which, with where it came from and the playbook's own steps.
 *
 * @example
 * ```ts
 * out.push(oktaPlaybookFinding(ctx, 'mfa_fatigue', 75, STAGE_VALIDITY_CHECK, 'signed in after 4 refused pushes', { refused_pushes: 4 }));
 * ```
 */
export function oktaPlaybookFinding(
  ctx: DetectionContext,
  playbook: string,
  score: number,
  stage: number,
  summary: string,
  steps: Record<string, unknown>,
  once = true,
): Finding {
  return {
    rule: 'attack_chain',
    score,
    stage,
    summary,
    evidence: {
      kind: 'okta_takeover',
      playbook,
      advanced_by: ctx.cls.name,
      source_ip: ctx.ev.source_ip,
      asn: ctx.asn || undefined,
      asn_kind: ctx.kind,
      ...steps,
    },
    noveltyOnly: false,
    suspicion: score,
    // A playbook completed once is news; a change repeated from the same proxy is news only at a later stage.
    alwaysReport: once,
    laterStageIsNews: true,
  };
}
