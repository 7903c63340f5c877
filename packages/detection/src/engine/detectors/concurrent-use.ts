import type { AsnKind } from '../../enriched-event.js';
import {
  F_CONC_SWITCHES,
  F_CONC_TS,
  F_RECENT_LAT,
  F_RECENT_LON,
  F_RECENT_TS,
  K_ASN,
  RECENT,
  U_ASN,
  U_LAST_ASN,
  U_RECENT_ASN,
  U_RECENT_KIND,
  U_RECENT_ORG,
} from '../profile/layout.js';
import { distanceKm } from '../sketches/geo-distance.js';
import { topKCount } from '../sketches/top-k.js';
import { INTERNAL_NETWORK_KEY } from '../unregistered-network.js';
import { asnKindFromCode } from './asn-kind-code.js';
import { eventStage } from './chain-position.js';
import { coldServerPair, habitualServerPair } from './server-pair.js';
import { sessionHops } from './session-hops.js';
import type { DetectionContext, Finding } from './types.js';

/** Same-metro network switches (Wi-Fi ↔ cellular) are never concurrency, whatever the pattern. */
const SAME_METRO_KM = 50;

/** Networks whose exit says nothing of where the person is (a relay, or a company's web gateway): never a second place. */
const RELAYED: ReadonlySet<AsnKind> = new Set<AsnKind>(['vpn', 'tor', 'security_proxy']);

/**
 * Networks whose address places its subscriber in a town, however many colleagues share the provider: half the company
 * on one cable ISP at home is one provider, not one place, so two of its lines far apart are two people.
 */
const LOCATES_SUBSCRIBER: ReadonlySet<AsnKind> = new Set<AsnKind>(['residential']);

/**
 * Detector 3, concurrent use. The credential is active from two networks within `windowMinutes`: either the
 * two are at least `minDistanceKm` apart, or traffic keeps switching back and forth between them
 * (`minSwitchBacks` A→B→A returns; a laptop moving from Wi-Fi to a hotspot switches once). Excluded: two
 * networks of one organisation or cloud (same AS org), consumer VPNs and Tor (split tunnels flap), networks the
 * whole org uses (the office VPN; not home ISPs, whose lines are in their subscribers' towns), two networks in the
 * same metro area, and a mobile carrier beside a network the credential already uses both of (a phone on Wi-Fi and
 * cellular), and two habitual servers sharing the key
 * ({@link habitualServerPair}). Within one town, a session returning again and again to a line it just left is
 * concurrency too ({@link sessionHops}). A mobile end gets the carrier's geolocation slack
 * (`impossibleTravel.mobileUncertaintyKm`) before it counts as far. Two hosting networks under a scripted client
 * with no baseline yet are reported as novelty ({@link coldServerPair}).
 *
 * @example
 * ```ts
 * detectConcurrentUse(ctx, findings);
 * ```
 */
export function detectConcurrentUse(ctx: DetectionContext, out: Finding[]): void {
  // An internal address says nothing about where the caller is (a VPC endpoint beside a NAT gateway).
  if (ctx.asn === 0 || ctx.asn === INTERNAL_NETWORK_KEY) return;
  const { cred, cfg, org } = ctx;
  const cu = cfg.concurrentUse;
  const window = cu.windowMinutes * 60_000;
  if (RELAYED.has(ctx.kind) || (org.isCommon(org.asns, ctx.asn) && !LOCATES_SUBSCRIBER.has(ctx.kind))) return;
  const hops = sessionHops(ctx);
  if (hops !== undefined) {
    out.push(hops);
    return;
  }
  const lastAsn = cred.u[cred.uo + U_LAST_ASN]!;
  if (ctx.now - cred.f[cred.fo + F_CONC_TS]! > window) cred.f[cred.fo + F_CONC_SWITCHES] = 0;
  let other = -1;
  let otherDistance = -1;
  let switchedBack = false;
  for (let i = 0; i < RECENT; i++) {
    const asn = cred.u[cred.uo + U_RECENT_ASN + i]!;
    const ts = cred.f[cred.fo + F_RECENT_TS + i]!;
    if (asn === 0 || asn === INTERNAL_NETWORK_KEY || ctx.now - ts > window) continue;
    if (asn === ctx.asn) {
      if (lastAsn !== 0 && lastAsn !== ctx.asn) switchedBack = true;
      continue;
    }
    const kind = asnKindFromCode(cred.u[cred.uo + U_RECENT_KIND + i]!);
    if (RELAYED.has(kind)) continue;
    if (ctx.orgHash !== 0 && cred.u[cred.uo + U_RECENT_ORG + i] === ctx.orgHash) continue;
    if (org.isCommon(org.asns, asn) && !LOCATES_SUBSCRIBER.has(kind)) continue;
    let d = -1;
    const lat = cred.f[cred.fo + F_RECENT_LAT + i]!;
    const lon = cred.f[cred.fo + F_RECENT_LON + i]!;
    if (ctx.hasCoords && !(lat === 0 && lon === 0)) d = distanceKm(lat, lon, ctx.ev.geo!.lat!, ctx.ev.geo!.lon!);
    if (d >= 0 && d < SAME_METRO_KM) continue;
    if (d > otherDistance || other < 0) {
      other = i;
      otherDistance = d;
    }
  }
  if (other < 0) return;
  if (switchedBack) {
    cred.f[cred.fo + F_CONC_SWITCHES] = cred.f[cred.fo + F_CONC_SWITCHES]! + 1;
    cred.f[cred.fo + F_CONC_TS] = ctx.now;
  }
  const switches = cred.f[cred.fo + F_CONC_SWITCHES]!;
  const otherAsn = cred.u[cred.uo + U_RECENT_ASN + other]!;
  const otherKind = asnKindFromCode(cred.u[cred.uo + U_RECENT_KIND + other]!);
  const unfamiliar = topKCount(cred.u, cred.uo + U_ASN, K_ASN, ctx.asn) === 0 || topKCount(cred.u, cred.uo + U_ASN, K_ASN, otherAsn) === 0;
  // A phone moving between its home Wi-Fi and its carrier, both networks it already uses: the carrier's address
  // geolocates to a gateway hundreds of kilometres off, and the two interleave all day. Not two places.
  const mobileEnd = ctx.kind === 'mobile' || otherKind === 'mobile';
  if (mobileEnd && !unfamiliar) return;
  const far = otherDistance - (mobileEnd ? cfg.impossibleTravel.mobileUncertaintyKm : 0) >= cu.minDistanceKm;
  if (!far && switches < cu.minSwitchBacks) return;
  if (!unfamiliar && habitualServerPair(ctx, otherKind)) return;
  const coldServers = coldServerPair(ctx, otherKind);
  let score = 45;
  if (unfamiliar && !coldServers) score += 15;
  if (ctx.kind === 'hosting' && !coldServers) score += 5;
  if (far && switches >= cu.minSwitchBacks && !coldServers) score += 5;
  out.push({
    rule: 'concurrent_use',
    score,
    stage: eventStage(ctx),
    summary: `credential active from ${ctx.networkLabel ?? org.names.get(ctx.asn) ?? `AS${ctx.asn}`} and ${org.names.get(otherAsn) ?? `AS${otherAsn}`} within ${cu.windowMinutes} min${far ? ` (${Math.round(otherDistance)} km apart)` : ''}`,
    evidence: {
      current: {
        asn: ctx.networkLabel === undefined ? ctx.asn : undefined,
        network: ctx.networkLabel,
        as_org: ctx.ev.geo?.as_org,
        asn_kind: ctx.kind,
        source_ip: ctx.ev.source_ip,
      },
      other: {
        asn: otherAsn,
        as_org: org.names.get(otherAsn),
        asn_kind: otherKind,
        last_seen: new Date(cred.f[cred.fo + F_RECENT_TS + other]!).toISOString(),
      },
      distance_km: otherDistance < 0 ? undefined : Math.round(otherDistance),
      switch_backs: switches,
      unfamiliar_network: unfamiliar,
      new_credential_servers: coldServers || undefined,
      thresholds: { window_minutes: cu.windowMinutes, min_distance_km: cu.minDistanceKm, min_switch_backs: cu.minSwitchBacks },
    },
    noveltyOnly: coldServers,
    suspicion: coldServers ? 0 : score,
  });
}
