import type { AsnKind } from '../../enriched-event.js';
import {
  F_RECENT_TS,
  F_SESSION_HOPS,
  K_ASN,
  RECENT,
  U_ASN,
  U_LAST_ASN,
  U_RECENT_ASN,
  U_RECENT_KIND,
  U_RECENT_ORG,
} from '../profile/layout.js';
import { topKCount, topKSize } from '../sketches/top-k.js';
import { asnKindFromCode } from './asn-kind-code.js';
import { eventStage } from './chain-position.js';
import { ordinal } from './evidence.js';
import { isSessionCredential } from './session-credential.js';
import type { DetectionContext, Finding } from './types.js';

/** Lines a laptop is plugged into or on the Wi-Fi of: it is on one of them at a time. */
const FIXED_LINE: ReadonlySet<AsnKind> = new Set<AsnKind>(['residential', 'business']);
/** Counts of returns kept, packed with the last return's time (as the privileged-change burst). */
const HOP_COUNT_SPAN = 16;
/** The longest a return may follow the last one and still count with it. */
const DAY_MS = 24 * 3_600_000;

/** The recent slot of `asn` on the credential, or -1. */
function recentSlot(ctx: DetectionContext, asn: number): number {
  const { cred } = ctx;
  for (let i = 0; i < RECENT; i++) if (cred.u[cred.uo + U_RECENT_ASN + i] === asn) return i;
  return -1;
}

/**
 * True when another session of the credential's owner has used the network, not only this one. A session that shares
 * its profile with its owner is the only session the stream has shown of them: nothing of theirs is older.
 *
 * @example
 * ```ts
 * if (!usedInOtherSessions(ctx, ctx.asn)) newLine = ctx.asn; // new with this session
 * ```
 */
export function usedInOtherSessions(ctx: DetectionContext, asn: number): boolean {
  const { cred, principal } = ctx;
  if (principal === cred) return false;
  return topKCount(principal.u, principal.uo + U_ASN, K_ASN, asn) > topKCount(cred.u, cred.uo + U_ASN, K_ASN, asn);
}

/**
 * True when the credential has been on the event's network and on no other: a session that never left where it began.
 *
 * @example
 * ```ts
 * if (onlyThisNetwork(ctx) && knownOktaDevice(ctx)) return; // the owner, signed in here
 * ```
 */
export function onlyThisNetwork(ctx: DetectionContext): boolean {
  const { cred } = ctx;
  return topKSize(cred.u, cred.uo + U_ASN, K_ASN) === 1 && topKCount(cred.u, cred.uo + U_ASN, K_ASN, ctx.asn) > 0;
}

/**
 * Same-town concurrency: one session going back and forth between two home or office lines in the owner's own town,
 * one of them a line no earlier session of the owner used. The 50 km rule of concurrent use passes any two networks
 * of one town (a phone's Wi-Fi and its carrier), and a thief replaying an infostealer's cookie through residential
 * proxy exits matched to the victim's town stays inside it. But a laptop is on one line at a time: carried to a café
 * it moves once, and back an hour later once more; a session that keeps returning to the line it just left
 * (`sessionHopReturns` returns within `sessionHopWindowMinutes`) is two holders at once. Mobile carriers, VPNs and
 * relays are not lines (a phone hops between Wi-Fi and cellular all day; a VPN is switched on and off), nor are the
 * two lines of one organisation or one the whole organisation uses.
 *
 * @example
 * ```ts
 * const finding = sessionHops(ctx);
 * if (finding) findings.push(finding);
 * ```
 */
export function sessionHops(ctx: DetectionContext): Finding | undefined {
  const { cred, cfg, org } = ctx;
  if (!FIXED_LINE.has(ctx.kind) || !isSessionCredential(ctx)) return undefined;
  const last = cred.u[cred.uo + U_LAST_ASN]!;
  if (last === 0 || last === ctx.asn) return undefined;
  const cu = cfg.concurrentUse;
  const window = cu.sessionHopWindowMinutes * 60_000;
  const back = recentSlot(ctx, ctx.asn);
  const from = recentSlot(ctx, last);
  // A return: the session was on this line within the day, and has just been on another line.
  if (back < 0 || from < 0 || ctx.now - cred.f[cred.fo + F_RECENT_TS + back]! > DAY_MS) return undefined;
  if (!FIXED_LINE.has(asnKindFromCode(cred.u[cred.uo + U_RECENT_KIND + from]!))) return undefined;
  if (org.isCommon(org.asns, last) || (ctx.orgHash !== 0 && cred.u[cred.uo + U_RECENT_ORG + from] === ctx.orgHash)) return undefined;
  const packed = cred.f[cred.fo + F_SESSION_HOPS]!;
  const lastReturn = Math.floor(packed / HOP_COUNT_SPAN);
  let returns = packed - lastReturn * HOP_COUNT_SPAN;
  if (ctx.now - lastReturn > DAY_MS) returns = 0;
  returns = Math.min(HOP_COUNT_SPAN - 1, returns + 1);
  cred.f[cred.fo + F_SESSION_HOPS] = ctx.now * HOP_COUNT_SPAN + returns;
  // Returns close together (two within the window), or more of them each within a day of the last: the thief comes
  // back in the evenings while the owner works on in the same session.
  const quick = returns >= cu.sessionHopReturns && ctx.now - lastReturn <= window;
  if (!quick && returns < cu.sessionHopDayReturns) return undefined;
  const newLine = !usedInOtherSessions(ctx, ctx.asn) ? ctx.asn : !usedInOtherSessions(ctx, last) ? last : 0;
  if (newLine === 0) return undefined;
  const score = 60;
  const name = (asn: number) => org.names.get(asn) ?? `AS${asn}`;
  return {
    rule: 'concurrent_use',
    score,
    stage: eventStage(ctx),
    summary: `session back on ${name(ctx.asn)} from ${name(last)} for the ${ordinal(returns)} time${quick ? ` within ${cu.sessionHopWindowMinutes} min` : ', each within a day of the last'}, ${name(newLine)} new with this session: two holders in one town`,
    evidence: {
      kind: 'same_town_lines',
      current: { asn: ctx.asn, as_org: ctx.ev.geo?.as_org, asn_kind: ctx.kind, source_ip: ctx.ev.source_ip },
      other: { asn: last, as_org: org.names.get(last) },
      new_line: newLine,
      returns,
      thresholds: { returns: cu.sessionHopReturns, window_minutes: cu.sessionHopWindowMinutes, day_returns: cu.sessionHopDayReturns },
    },
    noveltyOnly: false,
    suspicion: score,
  };
}

/**
 * True when a person's sign-in session (`saas_session`), begun on another network, is now on a line no earlier session
 * of its owner used (not a mobile carrier, a relay or a network the organisation shares): its cookie carried somewhere
 * its owner has never been seen, or its owner at a café. Harmless for reading; for a privileged change, an unfamiliar
 * context.
 *
 * @example
 * ```ts
 * if (movedOntoNewLine(ctx)) unfamiliar = true;
 * ```
 */
export function movedOntoNewLine(ctx: DetectionContext): boolean {
  const { cred, org } = ctx;
  if (ctx.ev.credential_kind !== 'saas_session' || ctx.asn === 0 || !FIXED_LINE.has(ctx.kind) || org.isCommon(org.asns, ctx.asn))
    return false;
  if (topKSize(cred.u, cred.uo + U_ASN, K_ASN) === 0 || onlyThisNetwork(ctx)) return false;
  return ctx.principal !== cred && !usedInOtherSessions(ctx, ctx.asn);
}
