import { STAGE_COLLECTION, STAGE_DISCOVERY, STAGE_VALIDITY_CHECK } from '../classify/operation-class.js';
import {
  F_BOLA_LAST_ID,
  F_BOLA_RUN,
  F_BOLA_TS,
  F_FAIL_EWMA,
  F_PROBE_DISTINCT,
  F_PROBE_EVENTS,
  F_PROBE_FAILS,
  F_PROBE_MAX_DISTINCT,
  F_PROBE_START,
  PROBE_SET,
  U_BOLA_TPL,
  U_PROBE_SET,
} from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { operationUsed } from './baseline-knowledge.js';
import { pastValidityCheck } from './chain-position.js';
import { byDeploymentTooling } from './change-maker.js';
import { round2 } from './evidence.js';
import { detectRefusedReconnaissance } from './refused-reconnaissance.js';
import type { DetectionContext, Finding } from './types.js';

/** Score of a burst of 404s from a credential with nothing learned, or of 401s from one never accepted (medium). */
const COLD_NOT_FOUND_SCORE = 45;
/** Share of auth failures above which failing is the credential's habit. */
const HABITUAL_FAILURE_SHARE = 0.3;

/** The credential's own busiest window fades by this factor per window so an old spike does not hide new ones forever. */
const MAX_DISTINCT_DECAY = 0.995;

/** Principals whose busiest window is remembered, per engine (cleared when full). */
const MAX_PRINCIPAL_WINDOWS = 50_000;

/**
 * Each principal's busiest window (distinct operations), per engine (keyed by its organisation statistics): a
 * posture scanner's role gets fresh session keys every day, each with no window of its own, and its daily sweep is
 * the role's habit. Outside the profiles, whose principal part holds only what learning writes; a restart forgets
 * it (the next sweep is reported once more).
 */
const PRINCIPAL_BUSIEST = new WeakMap<object, Map<number, number>>();

function principalWindows(ctx: DetectionContext): Map<number, number> {
  let m = PRINCIPAL_BUSIEST.get(ctx.org);
  if (m === undefined) {
    m = new Map();
    PRINCIPAL_BUSIEST.set(ctx.org, m);
  }
  return m;
}

function rollWindow(p: Profile, ctx: DetectionContext, windowMs: number, suspicious: boolean): void {
  const f = p.f;
  const fo = p.fo;
  const now = ctx.now;
  if (now - f[fo + F_PROBE_START]! < windowMs) return;
  // A window of a credential under suspicion is attacker behaviour: it must not become the baseline. A
  // benign burst (the first Terraform plan) is learned, so it is reported once, not every day.
  const distinct = f[fo + F_PROBE_DISTINCT]!;
  if (!suspicious) {
    f[fo + F_PROBE_MAX_DISTINCT] = Math.max(f[fo + F_PROBE_MAX_DISTINCT]! * MAX_DISTINCT_DECAY, distinct);
    // Only a window that could lift the bar above the threshold is worth remembering (and a map write).
    const pc = ctx.cfg.probing;
    if (distinct * pc.baselineFactor > pc.distinctThreshold && ctx.principalHash !== 0) {
      const windows = principalWindows(ctx);
      const before = windows.get(ctx.principalHash);
      if (before === undefined && windows.size >= MAX_PRINCIPAL_WINDOWS) windows.clear();
      windows.set(ctx.principalHash, Math.max((before ?? 0) * MAX_DISTINCT_DECAY, distinct));
    }
  }
  f[fo + F_PROBE_START] = now;
  f[fo + F_PROBE_EVENTS] = 0;
  f[fo + F_PROBE_FAILS] = 0;
  f[fo + F_PROBE_DISTINCT] = 0;
  p.u.fill(0, p.uo + U_PROBE_SET, p.uo + U_PROBE_SET + PROBE_SET);
}

/** Insert into the window's small open-addressed set; true when new. A full set counts every miss as new. */
function addDistinct(p: Profile, key: number): boolean {
  const u = p.u;
  const uo = p.uo;
  let at = key % PROBE_SET;
  for (let n = 0; n < PROBE_SET; n++) {
    const slot = u[uo + U_PROBE_SET + at]!;
    if (slot === key) return false;
    if (slot === 0) {
      u[uo + U_PROBE_SET + at] = key;
      return true;
    }
    at = (at + 1) % PROBE_SET;
  }
  return true;
}

/**
 * Detector 6, probing and enumeration, over tumbling windows of `windowSeconds`:
 * - enumeration: distinct operations/paths in one window reach `distinctThreshold` and `baselineFactor` times
 *   the busiest window of the credential or its principal (a Terraform plan that always describes 200 resources is
 *   its habit; a scanner role's daily sweep under fresh session keys is its principal's), never
 *   for infrastructure as code that is not being refused (each run's fresh session keys have no habit to show);
 * - failure burst: `failureThreshold` auth failures (401/403/404, AccessDenied) making `failureRatio` of the
 *   window — what enumerate-iam and token-validity sweeps look like;
 * - BOLA walk: `bolaRun` requests on one endpoint with sequential numeric ids (step ≤ `bolaMaxStep`);
 * - refused reconnaissance: never-used operations refused at a person's pace (refused-reconnaissance.ts).
 * Each fires once per window, when its threshold is crossed.
 *
 * @example
 * ```ts
 * detectProbing(ctx, findings);
 * ```
 */
export function detectProbing(ctx: DetectionContext, out: Finding[]): void {
  const { cred, cfg } = ctx;
  const pc = cfg.probing;
  const windowMs = pc.windowSeconds * 1000;
  rollWindow(cred, ctx, windowMs, ctx.suspicion >= cfg.chain.contextMinScore);
  const f = cred.f;
  const fo = cred.fo;
  f[fo + F_PROBE_EVENTS] = f[fo + F_PROBE_EVENTS]! + 1;
  if (ctx.authFailure) f[fo + F_PROBE_FAILS] = f[fo + F_PROBE_FAILS]! + 1;
  if (ctx.opHash !== 0 && addDistinct(cred, ctx.opHash)) f[fo + F_PROBE_DISTINCT] = f[fo + F_PROBE_DISTINCT]! + 1;
  const events = f[fo + F_PROBE_EVENTS]!;
  const fails = f[fo + F_PROBE_FAILS]!;
  const distinct = f[fo + F_PROBE_DISTINCT]!;
  let baselineMax = f[fo + F_PROBE_MAX_DISTINCT]!;
  // Asked only in a window busy enough to matter: the common event pays nothing.
  if (distinct >= pc.distinctThreshold) baselineMax = Math.max(baselineMax, principalWindows(ctx).get(ctx.principalHash) ?? 0);
  const distinctNeeded = Math.max(pc.distinctThreshold, Math.ceil(pc.baselineFactor * baselineMax));
  // Infrastructure as code reads everything it manages at once (a plan, a refresh): that is its work, and a role
  // session with fresh keys each run has no busiest window of its own to excuse it. Refused, it is still a sweep.
  if (distinct === distinctNeeded && ctx.opHash !== 0 && (fails / events >= 0.3 || !byDeploymentTooling(ctx))) {
    const failing = fails / events >= 0.3;
    const score = 45 + (failing ? 15 : 0);
    // A new credential exploring its API (a new employee, a new service) is not yet an attacker context.
    const suspicion = ctx.credMature || ctx.principalMature || failing ? score : score * 0.6;
    out.push({
      rule: 'probing',
      score,
      stage: STAGE_DISCOVERY,
      summary: `${distinct} distinct operations in ${pc.windowSeconds}s (busiest window before: ${Math.round(baselineMax)})`,
      evidence: {
        kind: 'enumeration',
        distinct_operations: distinct,
        requests: events,
        failures: fails,
        window_start: new Date(f[fo + F_PROBE_START]!).toISOString(),
        baseline_max_distinct: round2(baselineMax),
        thresholds: { distinct: pc.distinctThreshold, baseline_factor: pc.baselineFactor, window_seconds: pc.windowSeconds },
      },
      noveltyOnly: false,
      suspicion,
    });
  }
  // A credential that habitually fails (a misconfigured job retrying) is broken, not probing.
  const habitualFailures = cred.f[cred.fo + F_FAIL_EWMA]! >= HABITUAL_FAILURE_SHARE && cred.events >= cfg.learning.minEvents;
  if (ctx.authFailure && fails === pc.failureThreshold && fails / events >= pc.failureRatio && !habitualFailures) {
    // Not found is not refused: a new scanner's first run asks which repositories hold a lockfile. From a credential
    // with nothing learned, a burst of them is worth a look, not a page; refusals, or a learned habit, still are.
    const coldNotFound = ctx.ev.status === 404 && !ctx.credMature && !ctx.principalMature;
    // Refused as a credential (401) on every call of its life: a stale or mistyped key that a bad deploy keeps
    // retrying, or a guess. Nothing it holds works, so it is news, and no suspicious context for the chain: guessing
    // many keys is for the spray counts, and a key that worked before is the dead-credential rule's.
    const neverAccepted = ctx.ev.status === 401 && fails === events && cred.events < events;
    const score = coldNotFound || neverAccepted ? COLD_NOT_FOUND_SCORE : 55 + (distinct >= 5 ? 10 : 0);
    out.push({
      rule: 'probing',
      score,
      // First, a burst of refusals is the thief testing the token; once it probed or enumerated, it is the
      // refusals of that enumeration (regions never enabled, object ids of other tenants).
      stage: pastValidityCheck(ctx) ? STAGE_DISCOVERY : STAGE_VALIDITY_CHECK,
      summary: `${fails} authorization failures out of ${events} requests in ${pc.windowSeconds}s`,
      evidence: {
        kind: 'failure_burst',
        failures: fails,
        requests: events,
        distinct_operations: distinct,
        last_error: ctx.ev.error_code ?? ctx.ev.status,
        window_start: new Date(f[fo + F_PROBE_START]!).toISOString(),
        never_accepted: neverAccepted || undefined,
        thresholds: { failures: pc.failureThreshold, failure_ratio: pc.failureRatio, window_seconds: pc.windowSeconds },
      },
      noveltyOnly: false,
      suspicion: neverAccepted ? 0 : score,
    });
  }
  detectBola(ctx, out, windowMs);
  // The slow kind, over half an hour, unless this event already raised a probing finding.
  if (!out.some((f) => f.rule === 'probing')) detectRefusedReconnaissance(ctx, out);
}

function detectBola(ctx: DetectionContext, out: Finding[], windowMs: number): void {
  const { cred, cfg, shape } = ctx;
  const pc = cfg.probing;
  if (shape.numericId < 0 || shape.templateHash === 0) return;
  const f = cred.f;
  const fo = cred.fo;
  const u = cred.u;
  const uo = cred.uo;
  const sameTemplate = u[uo + U_BOLA_TPL] === shape.templateHash;
  if (!sameTemplate && f[fo + F_BOLA_RUN]! >= 3 && ctx.now - f[fo + F_BOLA_TS]! < windowMs) return; // keep following the walk
  const step = Math.abs(shape.numericId - f[fo + F_BOLA_LAST_ID]!);
  if (sameTemplate && step >= 1 && step <= pc.bolaMaxStep && ctx.now - f[fo + F_BOLA_TS]! < windowMs)
    f[fo + F_BOLA_RUN] = f[fo + F_BOLA_RUN]! + 1;
  else if (!sameTemplate || step !== 0) f[fo + F_BOLA_RUN] = 1;
  u[uo + U_BOLA_TPL] = shape.templateHash;
  f[fo + F_BOLA_LAST_ID] = shape.numericId;
  f[fo + F_BOLA_TS] = ctx.now;
  if (f[fo + F_BOLA_RUN] !== pc.bolaRun) return;
  const failShare = f[fo + F_PROBE_EVENTS]! === 0 ? 0 : f[fo + F_PROBE_FAILS]! / f[fo + F_PROBE_EVENTS]!;
  // A sync job walking the catalogue by id every night, from its usual host and client, over an endpoint it always
  // calls, with answers (not refusals): its job, worth a note. A thief walks an endpoint new to the key, from
  // elsewhere, and mostly gets 403/404.
  const routineWalk =
    failShare < 0.3 &&
    (ctx.credMature || ctx.principalMature) &&
    ctx.asn !== 0 &&
    ctx.placeNovelty === 0 &&
    ctx.clientNovelty === 0 &&
    operationUsed(ctx);
  const score = (55 + (failShare >= 0.3 ? 15 : 0)) * (routineWalk ? 0.6 : 1);
  out.push({
    rule: 'probing',
    score,
    stage: STAGE_COLLECTION,
    summary: `${pc.bolaRun} sequential object ids walked on ${ctx.cls.name || ctx.ev.path}`,
    evidence: {
      kind: 'sequential_ids',
      endpoint: ctx.cls.name || ctx.ev.path,
      run: pc.bolaRun,
      last_id: shape.numericId,
      failure_share: round2(failShare),
      routine_walk: routineWalk || undefined,
      thresholds: { run: pc.bolaRun, max_step: pc.bolaMaxStep },
    },
    noveltyOnly: false,
    suspicion: routineWalk ? 0 : score,
  });
}
