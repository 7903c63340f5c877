import { ATTACK_STAGES } from '@tokenwarden/core';
import {
  STAGE_CAPABILITY_PROBE,
  STAGE_DISCOVERY,
  STAGE_NONE,
  STAGE_PERSISTENCE,
  STAGE_VALIDITY_CHECK,
} from '../classify/operation-class.js';
import { B_HLL_RES, B_RES_BLOOM, F_EVENTS, F_FIRST_TS, F_STAGE_TS, HLL_RES_REGISTERS, RES_BLOOM_BYTES } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { combineIndependent } from '../scoring/risk.js';
import { bloomHas } from '../sketches/bloom.js';
import { hllEstimate } from '../sketches/hyperloglog.js';
import { atUsualDesk, operationUsed } from './baseline-knowledge.js';
import { eventStage, pastValidityCheck } from './chain-position.js';
import { isChangeMaker } from './change-maker.js';
import { managesOwnFactors, targetsOtherUser } from './change-target.js';
import { round2 } from './evidence.js';
import type { DetectionContext, Finding } from './types.js';
import { detectUnbaselinedChain } from './unbaselined-chain.js';

/** Suspicion from which even habitual operations count as attacker progress. */
const STRONG_SUSPICION = 60;
/** Highest score of a chain of never-used operations short of persistence, made at the owner's desk with nothing suspicious (medium). */
const DESK_MAX_SCORE = 45;
/**
 * Events from one address (and a fifth of the history) that make it the owner's desk for that cap. Fewer than a
 * privileged change asks for: the cap only keeps a chain short of damage at medium, and a person who works a few
 * hours a week (a data engineer's 20 calls from home in two weeks, blind test #12) has no 50-event desk for weeks.
 * A thief's address is not learned while its novelty keeps the credential suspicious.
 */
const CHAIN_DESK_MIN_EVENTS = 15;

/**
 * Stage this event contributes to the chain: its operation's stage, or a validity check when an auth failure
 * or the first call from a suspicious context says "is this token live?". Once the credential is past the
 * validity check (it probed or enumerated within the window), neither is: a refused call is part of what it is
 * doing (an enumeration sweeping every region gets `AuthFailure` from the regions the account never enabled, and
 * that is still discovery), and an unclassified call (the owner opening an app in their own session, still under
 * the thief's suspicion) is no step back to testing the token.
 */
function chainStage(ctx: DetectionContext, suspicion: number): number {
  let stage = eventStage(ctx);
  if (stage === STAGE_NONE && suspicion >= ctx.cfg.chain.contextMinScore && !pastValidityCheck(ctx)) stage = STAGE_VALIDITY_CHECK;
  return stage;
}

/** A credential that already reads this many distinct resources treats one more as routine (as data access does). */
const BROAD_READER_RESOURCES = 40;

/** A thief reads what it has just enumerated: a never-read resource counts within this long after the probe. */
const COLLECT_AFTER_PROBE_MS = 3_600_000;

/**
 * A data read of a resource the credential and its principal never read, by a credential that reads few, within
 * an hour of the chain's probe or enumeration: an owner who starts on a new bucket days after trying a new command
 * is starting a new task, a thief collects minutes after looking around.
 */
function neverReadData(ctx: DetectionContext): boolean {
  const { cred, principal } = ctx;
  if (!ctx.cls.dataRead || ctx.authFailure) return false;
  const probed = Math.max(cred.f[cred.fo + F_STAGE_TS + STAGE_CAPABILITY_PROBE]!, cred.f[cred.fo + F_STAGE_TS + STAGE_DISCOVERY]!);
  return (
    probed !== 0 &&
    ctx.now - probed <= COLLECT_AFTER_PROBE_MS &&
    !bloomHas(cred.b, cred.bo + B_RES_BLOOM, RES_BLOOM_BYTES, ctx.resourceHash) &&
    !bloomHas(principal.b, principal.bo + B_RES_BLOOM, RES_BLOOM_BYTES, ctx.resourceHash) &&
    hllEstimate(cred.b, cred.bo + B_HLL_RES, HLL_RES_REGISTERS) < BROAD_READER_RESOURCES
  );
}

/** When a profile's first event was, or +Infinity before it has one. */
function firstSeen(p: Profile): number {
  return p.f[p.fo + F_EVENTS] === 0 ? Number.POSITIVE_INFINITY : p.f[p.fo + F_FIRST_TS]!;
}

/** Days since the credential or, when longer, its principal was first seen (0 before either has an event). */
function historyDays(ctx: DetectionContext): number {
  const first = Math.min(firstSeen(ctx.cred), firstSeen(ctx.principal));
  return Number.isFinite(first) ? (ctx.now - first) / 86_400_000 : 0;
}

/** True when this event is a capability probe or the chain reached one within the window. */
function probedWithin(ctx: DetectionContext, stage: number, windowMs: number): boolean {
  if (stage === STAGE_CAPABILITY_PROBE) return true;
  const ts = ctx.cred.f[ctx.cred.fo + F_STAGE_TS + STAGE_CAPABILITY_PROBE]!;
  return ts !== 0 && ctx.now - ts <= windowMs;
}

/**
 * Added to a stage's time when it was reached from a suspicious context: a half millisecond, exact in a float64 of an
 * epoch-ms time and below anything a window or an ISO time shows, so no profile grows for the mark.
 */
const UNDER_SUSPICION = 0.5;

/** True when a stage of the chain was reached from a suspicious context (its time carries the mark). */
function anyStageUnderSuspicion(f: Float64Array, fo: number): boolean {
  for (let s = 1; s < ATTACK_STAGES.length; s++) {
    const ts = f[fo + F_STAGE_TS + s]!;
    if (ts !== Math.floor(ts)) return true;
  }
  return false;
}

/** True when the chain already reached a stage beyond `stage` within its window. */
function laterStageReached(f: Float64Array, fo: number, stage: number): boolean {
  for (let s = stage + 1; s < ATTACK_STAGES.length; s++) if (f[fo + F_STAGE_TS + s] !== 0) return true;
  return false;
}

/**
 * True when this call is the owner's routine: an operation the credential or its principal already uses, from a
 * network and client with no novelty at all, and not refused.
 */
function ownersRoutine(ctx: DetectionContext): boolean {
  if (ctx.asn === 0 || ctx.placeNovelty > 0 || ctx.clientNovelty > 0 || ctx.authFailure) return false;
  return operationUsed(ctx);
}

/**
 * Detector 10, attack chain. Tracks, per credential, the first time within `windowHours` that each stage was
 * reached (validity check → capability probe → discovery → collection → modification → persistence → defense
 * evasion) — eight timestamps, so partial-match state is bounded. A stage counts as attacker progress only when
 * the credential's context is suspicious (`contextMinScore`, from place/client/probing/lifecycle findings,
 * decaying) or, for a credential with a learned baseline, when the operation is one it never called. Everyday
 * work from a familiar context never advances a chain. Severity grows with distinct stages: 2 → medium,
 * `highStages` → high, and reaching persistence or defense evasion after a probe from a suspicious context →
 * critical. Low-and-slow chains spanning days are caught because the window is long.
 *
 * @example
 * ```ts
 * detectAttackChain(ctx, findings); // run last: reads the suspicion raised by this event's other findings
 * ```
 */
export function detectAttackChain(ctx: DetectionContext, out: Finding[]): void {
  const { cred, cfg } = ctx;
  const cc = cfg.chain;
  let suspicion = Math.max(ctx.suspicion, combineIndependent(ctx.placeNovelty, ctx.clientNovelty));
  for (const f of out) if (f.suspicion > suspicion) suspicion = f.suspicion;
  const stage = chainStage(ctx, suspicion);
  if (stage === STAGE_NONE) return;
  const suspicious = suspicion >= cc.contextMinScore;
  const learned = ctx.credMature || ctx.principalMature;
  // What the credential never did: an operation it never called (a "what are my permissions" probe counts, as it
  // is the thief's second call), or a read of data it and its principal never read. An attacker replaying a key
  // from the victim's own town with the victim's own CLI shows no new place or client: only this. Within the first
  // days of a history, only in a chain that asked what the credential can do: a new colleague's first week is one
  // operation never used after another, but not a "who am I" before them.
  const novelOp =
    learned &&
    (historyDays(ctx) >= cc.novelOperationMinDays || probedWithin(ctx, stage, cc.windowHours * 3_600_000)) &&
    ((ctx.opHash !== 0 &&
      !(ctx.cls.selfKey && !targetsOtherUser(ctx.ev)) &&
      !managesOwnFactors(ctx.ev) &&
      stage >= STAGE_CAPABILITY_PROBE &&
      !operationUsed(ctx)) ||
      neverReadData(ctx));
  // With nothing learned, nothing looks suspicious or new: only the unbaselined chain's steps count.
  if (!suspicious && !learned) {
    detectUnbaselinedChain(ctx, stage, out);
    return;
  }
  // A never-called operation is progress for a person's key, but routine for Terraform on its usual runner. Failed
  // without being refused (a malformed request, a validation error), from a context with nothing suspicious, it reached
  // nothing; refused, it still shows what the caller was after.
  const failedNotRefused = ctx.ev.outcome === 'failure' && !ctx.authFailure;
  if (!suspicious && (!novelOp || isChangeMaker(ctx, true) || failedNotRefused)) return;
  // Under moderate suspicion (a traveller on a VPN), the credential's everyday operations are not attacker
  // progress: only probes, never-used operations and persistence/evasion count, unless suspicion is strong.
  if (suspicious && !novelOp && suspicion < STRONG_SUSPICION && stage > STAGE_CAPABILITY_PROBE && stage < STAGE_PERSISTENCE) {
    const habitual = operationUsed(ctx);
    // While the credential and its principal are still being learned, every operation is "never seen": that
    // proves nothing, so only strong suspicion lets everyday work advance the chain.
    const learning = !ctx.credMature && !ctx.principalMature;
    if (habitual || learning) return;
  }
  // The owner's own routine from their usual place and client is not the thief's progress, however suspicious
  // the credential is: the owner of a leaked key keeps working beside the thief, and their everyday calls would
  // otherwise fill the chain with stages the thief never reached.
  if (suspicious && !novelOp && stage < STAGE_PERSISTENCE && ownersRoutine(ctx)) return;
  const windowMs = cc.windowHours * 3_600_000;
  const f = cred.f;
  const fo = cred.fo;
  let reached = 0;
  let probed = false;
  for (let s = 1; s < ATTACK_STAGES.length; s++) {
    const ts = f[fo + F_STAGE_TS + s]!;
    if (ts !== 0 && ctx.now - ts > windowMs) f[fo + F_STAGE_TS + s] = 0;
  }
  if (f[fo + F_STAGE_TS + stage] !== 0) return; // already reached within the window
  f[fo + F_STAGE_TS + stage] = suspicious ? ctx.now + UNDER_SUSPICION : ctx.now;
  // A chain of operations never used before, none reached from a suspicious context, only moves forward: a thief
  // looks around before the damage. A first look at settings days after changing them from the usual desk (an
  // administrator's month) is kept but does not advance it, so a later step past the furthest one still counts it.
  if (!suspicious && laterStageReached(f, fo, stage) && !anyStageUnderSuspicion(f, fo)) return;
  for (let s = 1; s < ATTACK_STAGES.length; s++) {
    if (f[fo + F_STAGE_TS + s] === 0) continue;
    reached++;
    if (s <= STAGE_DISCOVERY && s !== stage) probed = true;
  }
  if (reached < 2) return;
  let score = reached >= cc.highStages ? 70 + 5 * (reached - cc.highStages) : 45;
  const damage = stage >= STAGE_PERSISTENCE;
  if (damage && probed && suspicious) score = 92;
  else if (damage) score = Math.max(score, 55);
  // Operations new to the owner, made from their own desk with their own client and nothing suspicious, short of
  // persistence or evasion, are a person's first push, review or comment: kept (a later suspicious step still counts
  // them), not paged. A thief replaying the token from the victim's town has another address; one on the victim's
  // own machine still pages once it settles in.
  if (!suspicious && !damage && atUsualDesk(ctx, CHAIN_DESK_MIN_EVENTS)) score = Math.min(score, DESK_MAX_SCORE);
  score = Math.min(100, score);
  const stages: Record<string, string> = {};
  for (let s = 1; s < ATTACK_STAGES.length; s++) {
    const ts = f[fo + F_STAGE_TS + s]!;
    if (ts !== 0) stages[ATTACK_STAGES[s]!] = new Date(ts).toISOString();
  }
  out.push({
    rule: 'attack_chain',
    score,
    stage,
    summary: `attack chain advanced to ${ATTACK_STAGES[stage]} (${reached} stages within ${cc.windowHours} h)${suspicious ? ' from a suspicious context' : ' with operations never used before'}${ctx.issuedBy === undefined ? '' : `, on a credential issued by ${ctx.issuedBy}`}`,
    evidence: {
      stages_reached: stages,
      issued_by: ctx.issuedBy,
      distinct_stages: reached,
      advanced_by: ctx.cls.name || ctx.ev.path || ctx.ev.lifecycle,
      suspicion: round2(suspicion),
      novel_operation: novelOp,
      probed_before_damage: probed,
      thresholds: { window_hours: cc.windowHours, context_min_score: cc.contextMinScore, high_stages: cc.highStages },
    },
    noveltyOnly: false,
    // The chain is the consumer of suspicion: feeding its own score back would make it self-sustaining.
    suspicion: 0,
    alwaysReport: true,
  });
}
