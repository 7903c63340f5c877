import { asnKindCode } from '../detectors/asn-kind-code.js';
import type { DetectionContext } from '../detectors/types.js';
import { bloomAdd } from '../sketches/bloom.js';
import { hourHistogramAdd, hourOfWeek } from '../sketches/hour-histogram.js';
import { hllAdd } from '../sketches/hyperloglog.js';
import { topKAdd, topKSlots } from '../sketches/top-k.js';
import {
  B_HLL_IP,
  B_HLL_RES,
  B_HOURS,
  B_LEARNED,
  B_OP_BLOOM,
  B_RES_BLOOM,
  F_EVENTS,
  F_FAIL_EWMA,
  F_FIRST_PRIV_TS,
  F_FIRST_TS,
  F_GEO_LAT,
  F_GEO_LON,
  F_GEO_TS,
  F_HOUR_TOTAL,
  F_INTERACTIVE,
  F_LAST_TS,
  F_LEARNED,
  F_PRIV_EVENTS,
  F_RECENT_LAT,
  F_RECENT_LON,
  F_RECENT_TS,
  F_SCRIPTED,
  HLL_IP_REGISTERS,
  HLL_RES_REGISTERS,
  K_ASN,
  K_CITY,
  K_CLIENT,
  K_COUNTRY,
  K_IP,
  K_PRIV,
  K_TLS,
  OP_BLOOM_BYTES,
  RECENT,
  RES_BLOOM_BYTES,
  U_ASN,
  U_CITY,
  U_CLIENT,
  U_COUNTRY,
  U_GEO_ASN,
  U_GEO_KIND,
  U_GEO_ORG,
  U_IP,
  U_LAST_ASN,
  U_LEARNED,
  U_PRIV,
  U_RECENT_ASN,
  U_RECENT_KIND,
  U_RECENT_ORG,
  U_TLS,
} from './layout.js';
import type { Profile } from './profile.js';

// What learnInto writes must lie in the learned part of each view: a principal's profile has nothing else.
for (const slot of [F_FIRST_TS, F_LAST_TS, F_EVENTS, F_FAIL_EWMA, F_SCRIPTED, F_INTERACTIVE, F_HOUR_TOTAL, F_PRIV_EVENTS]) {
  if (slot >= F_LEARNED) throw new Error('profile layout: a learned scalar lies outside F_LEARNED');
}
if (U_PRIV + topKSlots(K_PRIV) > U_LEARNED || B_RES_BLOOM + RES_BLOOM_BYTES > B_LEARNED || B_HOURS + 168 > B_LEARNED) {
  throw new Error('profile layout: a learned sketch lies outside the learned part');
}

/**
 * Copy what {@link learnInto} taught one profile into another (and nothing else): a principal that shared its
 * credential's profile gets its own baseline, exactly as if it had learned every event itself.
 *
 * @example
 * ```ts
 * copyLearned(credProfile, principalProfile);
 * ```
 */
export function copyLearned(from: Profile, to: Profile): void {
  to.f.set(from.f.subarray(from.fo, from.fo + F_LEARNED), to.fo);
  to.u.set(from.u.subarray(from.uo, from.uo + U_LEARNED), to.uo);
  to.b.set(from.b.subarray(from.bo, from.bo + B_LEARNED), to.bo);
}

/** Smoothing of the habitual auth-failure share (about the last 100 events). */
const FAIL_EWMA_ALPHA = 0.01;

function learnInto(p: Profile, ctx: DetectionContext, bucket: number, guarded: boolean): void {
  const f = p.f;
  const fo = p.fo;
  if (f[fo + F_EVENTS] === 0) f[fo + F_FIRST_TS] = ctx.now;
  if (ctx.now > f[fo + F_LAST_TS]!) f[fo + F_LAST_TS] = ctx.now;
  f[fo + F_EVENTS] = f[fo + F_EVENTS]! + 1;
  f[fo + F_FAIL_EWMA] = f[fo + F_FAIL_EWMA]! + FAIL_EWMA_ALPHA * ((ctx.authFailure ? 1 : 0) - f[fo + F_FAIL_EWMA]!);
  if (ctx.scripted) f[fo + F_SCRIPTED] = f[fo + F_SCRIPTED]! + 1;
  else f[fo + F_INTERACTIVE] = f[fo + F_INTERACTIVE]! + 1;
  hourHistogramAdd(p.b, p.bo + B_HOURS, bucket);
  f[fo + F_HOUR_TOTAL] = f[fo + F_HOUR_TOTAL]! + 1;
  const u = p.u;
  const uo = p.uo;
  // Distinct counts are the credential's own (evidence and the broad-reader check); a principal has none.
  const counts = p.kind === 'credential';
  if (counts && ctx.ipHash !== 0) hllAdd(p.b, p.bo + B_HLL_IP, HLL_IP_REGISTERS, ctx.ipHash);
  if (ctx.opHash !== 0) bloomAdd(p.b, p.bo + B_OP_BLOOM, OP_BLOOM_BYTES, ctx.opHash);
  if (ctx.cls.read) {
    if (counts) hllAdd(p.b, p.bo + B_HLL_RES, HLL_RES_REGISTERS, ctx.resourceHash);
    bloomAdd(p.b, p.bo + B_RES_BLOOM, RES_BLOOM_BYTES, ctx.resourceHash);
  }
  // Under suspicion, the attacker's place, client and privileged habits must not become the baseline. A change from
  // the familiar place and client of a credential that was not suspicious still becomes a habit: its own alert is
  // what made the credential risky, and without this an administrator would be paged for the same change every time.
  if (guarded) {
    if (ctx.familiarChange) learnPrivileged(p, ctx);
    return;
  }
  if (ctx.ipHash !== 0) topKAdd(u, uo + U_IP, K_IP, ctx.ipHash);
  // Display names are recorded only when a value is new to this profile (rare), for alert evidence.
  const g = ctx.ev.geo;
  const org = ctx.org;
  // The label is built only when the organisation has no name for the value yet (not once per profile).
  const names = org.names;
  if (ctx.asn !== 0 && topKAdd(u, uo + U_ASN, K_ASN, ctx.asn) === 0 && !names.has(ctx.asn))
    org.name(ctx.asn, ctx.networkLabel ?? `AS${ctx.asn} ${g?.as_org ?? ''}`.trim());
  if (ctx.countryHash !== 0 && topKAdd(u, uo + U_COUNTRY, K_COUNTRY, ctx.countryHash) === 0 && !names.has(ctx.countryHash))
    org.name(ctx.countryHash, g?.country ?? '');
  if (ctx.cityHash !== 0 && topKAdd(u, uo + U_CITY, K_CITY, ctx.cityHash) === 0 && !names.has(ctx.cityHash))
    org.name(ctx.cityHash, `${g?.city ?? ''}, ${g?.country ?? ''}`);
  if (ctx.clientHash !== 0 && topKAdd(u, uo + U_CLIENT, K_CLIENT, ctx.clientHash) === 0 && !names.has(ctx.clientHash)) {
    const c = ctx.ev.client;
    org.name(ctx.clientHash, c === undefined ? (ctx.ev.user_agent ?? '').slice(0, 80) : `${c.family}${c.os ? ` / ${c.os}` : ''}`);
  }
  if (ctx.tlsHash !== 0) topKAdd(u, uo + U_TLS, K_TLS, ctx.tlsHash);
  if (isPrivilegedChange(ctx)) learnPrivileged(p, ctx);
}

/**
 * A privileged change, or a change to the credential's own keys: what makes a change-making habit. Listing one's
 * keys (`iam:ListAccessKeys`) belongs with the key operations but changes nothing: a thief's look at the keys must
 * not make the credential look like automation whose job is changes.
 */
function isPrivilegedChange(ctx: DetectionContext): boolean {
  return ctx.cls.privilege !== 'none' || (ctx.cls.selfKey && !ctx.cls.read);
}

function learnPrivileged(p: Profile, ctx: DetectionContext): void {
  const names = ctx.org.names;
  if (topKAdd(p.u, p.uo + U_PRIV, K_PRIV, ctx.opHash) === 0 && !names.has(ctx.opHash)) ctx.org.name(ctx.opHash, ctx.cls.name);
  p.f[p.fo + F_PRIV_EVENTS] = p.f[p.fo + F_PRIV_EVENTS]! + 1;
}

function learnRecent(p: Profile, ctx: DetectionContext): void {
  const u = p.u;
  const uo = p.uo;
  const f = p.f;
  const fo = p.fo;
  if (ctx.asn !== 0) {
    let slot = -1;
    let oldest = 0;
    for (let i = 0; i < RECENT; i++) {
      if (u[uo + U_RECENT_ASN + i] === ctx.asn) {
        slot = i;
        break;
      }
      if (f[fo + F_RECENT_TS + i]! < f[fo + F_RECENT_TS + oldest]!) oldest = i;
    }
    if (slot < 0) slot = oldest;
    u[uo + U_RECENT_ASN + slot] = ctx.asn;
    u[uo + U_RECENT_ORG + slot] = ctx.orgHash;
    u[uo + U_RECENT_KIND + slot] = asnKindCode(ctx.kind);
    f[fo + F_RECENT_TS + slot] = ctx.now;
    f[fo + F_RECENT_LAT + slot] = ctx.hasCoords ? ctx.ev.geo!.lat! : 0;
    f[fo + F_RECENT_LON + slot] = ctx.hasCoords ? ctx.ev.geo!.lon! : 0;
    u[uo + U_LAST_ASN] = ctx.asn;
  }
  const excluded = ctx.cfg.impossibleTravel.excludedKinds;
  if (ctx.hasCoords && !excluded.includes(ctx.kind) && ctx.now >= f[fo + F_GEO_TS]!) {
    f[fo + F_GEO_TS] = ctx.now;
    f[fo + F_GEO_LAT] = ctx.ev.geo!.lat!;
    f[fo + F_GEO_LON] = ctx.ev.geo!.lon!;
    u[uo + U_GEO_ASN] = ctx.asn;
    u[uo + U_GEO_KIND] = asnKindCode(ctx.kind);
    u[uo + U_GEO_ORG] = ctx.orgHash;
  }
}

/**
 * Learn the current event into the credential and principal baselines and the org-wide statistics, after the
 * detectors have judged it. `guarded` (the credential is already risky or suspicious) keeps the attacker's
 * places, clients and privileged operations out of the baseline.
 *
 * @example
 * ```ts
 * learnEvent(ctx, risk >= cfg.risk.poisonGuardScore);
 * ```
 */
export function learnEvent(ctx: DetectionContext, guarded: boolean): void {
  const bucket = hourOfWeek(ctx.now);
  learnInto(ctx.cred, ctx, bucket, guarded);
  if (ctx.principal !== ctx.cred) learnInto(ctx.principal, ctx, bucket, guarded);
  learnRecent(ctx.cred, ctx);
  const org = ctx.org;
  org.addHour(bucket);
  if (guarded) return;
  const cred = ctx.cred;
  if (isPrivilegedChange(ctx) && cred.f[cred.fo + F_FIRST_PRIV_TS] === 0) cred.f[cred.fo + F_FIRST_PRIV_TS] = ctx.now;
  org.addPrincipal(ctx.principalHash);
  if (ctx.asn !== 0) org.asns.add(ctx.asn, ctx.principalHash);
  if (ctx.countryHash !== 0) org.countries.add(ctx.countryHash, ctx.principalHash);
  if (ctx.clientHash !== 0) org.clients.add(ctx.clientHash, ctx.principalHash);
}
