import { STAGE_VALIDITY_CHECK } from '../classify/operation-class.js';
import { round2 } from './evidence.js';
import type { DetectionContext, Finding } from './types.js';

/**
 * A `token_lifecycle` finding at the validity-check stage: what was presented, from where and with what, beside the
 * kind's own evidence. Its score is also its suspicion (a dead or bait credential presented is never novelty).
 *
 * @example
 * ```ts
 * out.push(lifecycleFinding(ctx, 100, 'canary', 'canary credential used', {}));
 * ```
 */
export function lifecycleFinding(
  ctx: DetectionContext,
  score: number,
  kind: string,
  summary: string,
  extra: Record<string, unknown>,
): Finding {
  return {
    rule: 'token_lifecycle',
    score,
    stage: STAGE_VALIDITY_CHECK,
    summary,
    evidence: {
      kind,
      lifecycle: ctx.ev.lifecycle,
      source_ip: ctx.ev.source_ip,
      asn: ctx.asn || undefined,
      asn_kind: ctx.kind,
      client: ctx.ev.client?.family,
      place_novelty: round2(ctx.placeNovelty),
      client_novelty: round2(ctx.clientNovelty),
      ...extra,
    },
    noveltyOnly: false,
    suspicion: score,
  };
}
