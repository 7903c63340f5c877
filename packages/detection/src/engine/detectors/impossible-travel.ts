import {
  F_GEO_LAT,
  F_GEO_LON,
  F_GEO_TS,
  K_ASN,
  K_CITY,
  K_COUNTRY,
  U_ASN,
  U_CITY,
  U_COUNTRY,
  U_GEO_ASN,
  U_GEO_KIND,
  U_GEO_ORG,
} from '../profile/layout.js';
import { distanceKm } from '../sketches/geo-distance.js';
import { topKCount } from '../sketches/top-k.js';
import { asnKindFromCode } from './asn-kind-code.js';
import { eventStage } from './chain-position.js';
import { round2 } from './evidence.js';
import { pinnedServer } from './pinned-server.js';
import { coldServerPair, fleetAndPerson, habitualServerPair } from './server-pair.js';
import type { DetectionContext, Finding } from './types.js';

/**
 * Detector 2, impossible travel. Between the credential's previous geolocated event and this one: more than
 * `minDistanceKm` apart at more than `maxSpeedKmh`. VPN, Tor and satellite exits say nothing about where a
 * person is, so they are skipped (and do not become the "previous" location); mobile carriers geolocate to
 * distant gateways, so their side gets `mobileUncertaintyKm` of slack; two hosting locations of one cloud
 * (same ASN or AS organisation) are a CI runner moving, not a person. A hop between two places the credential
 * already uses habitually is reported low, as novelty: it is more likely two devices than theft, and not at all between two
 * hosting places to an address the credential keeps coming from (two servers sharing a key). So is a hop with a mobile
 * end inside a country the credential already works in (carrier addresses are country-precise at best). A scripted
 * client hopping between two hosting networks before the credential or its principal has a baseline is reported as
 * novelty ({@link coldServerPair}): a new integration's servers. Between a machine credential's habitual hosting
 * network and a person's network there is no journey at all ({@link fleetAndPerson}): a second user holds the key.
 *
 * @example
 * ```ts
 * detectImpossibleTravel(ctx, findings);
 * ```
 */
export function detectImpossibleTravel(ctx: DetectionContext, out: Finding[]): void {
  if (!ctx.hasCoords) return;
  const { cred, cfg } = ctx;
  const it = cfg.impossibleTravel;
  const lastTs = cred.f[cred.fo + F_GEO_TS]!;
  if (lastTs === 0 || ctx.now < lastTs) return;
  if (it.excludedKinds.includes(ctx.kind)) return;
  const lastKind = asnKindFromCode(cred.u[cred.uo + U_GEO_KIND]!);
  if (it.excludedKinds.includes(lastKind)) return;
  const lastAsn = cred.u[cred.uo + U_GEO_ASN]!;
  const g = ctx.ev.geo!;
  const lastLat = cred.f[cred.fo + F_GEO_LAT]!;
  const lastLon = cred.f[cred.fo + F_GEO_LON]!;
  // The usual case, the same place as last time: no distance (0 km is below any positive threshold).
  if (g.lat === lastLat && g.lon === lastLon && it.minDistanceKm > 0) return;
  // One cloud's regions are a CI runner moving, unless the credential is a server pinned to its host.
  if (
    ctx.kind === 'hosting' &&
    lastKind === 'hosting' &&
    (lastAsn === ctx.asn || (ctx.orgHash !== 0 && cred.u[cred.uo + U_GEO_ORG] === ctx.orgHash)) &&
    !pinnedServer(ctx)
  )
    return;
  const raw = distanceKm(lastLat, lastLon, g.lat!, g.lon!);
  let distance = raw;
  if (ctx.kind === 'mobile' || lastKind === 'mobile') distance -= it.mobileUncertaintyKm;
  if (distance < it.minDistanceKm) return;
  const hours = Math.max(ctx.now - lastTs, 1000) / 3_600_000;
  const speed = distance / hours;
  if (speed <= it.maxSpeedKmh) return;
  // Both ends already used by this credential or its principal: two known places (often an ISP whose IPs
  // geolocate to a default point far away), not a journey.
  const known = (asn: number) =>
    asn !== 0 &&
    (topKCount(cred.u, cred.uo + U_ASN, K_ASN, asn) > 0 || topKCount(ctx.principal.u, ctx.principal.uo + U_ASN, K_ASN, asn) > 0);
  const destinationHabitual =
    (known(ctx.asn) && known(lastAsn)) || (ctx.cityHash !== 0 && topKCount(cred.u, cred.uo + U_CITY, K_CITY, ctx.cityHash) >= 3);
  // A carrier's addresses geolocate to gateways anywhere in its country: inside a country the credential
  // already works in, a hop with a mobile end says more about the geolocation than about a journey.
  const mobileInKnownCountry =
    (ctx.kind === 'mobile' || lastKind === 'mobile') &&
    ctx.countryHash !== 0 &&
    topKCount(cred.u, cred.uo + U_COUNTRY, K_COUNTRY, ctx.countryHash) > 0;
  // Two servers sharing the key (an active-active service in two regions): between hosting places the credential
  // uses habitually, to an address it keeps coming from, a hop is no journey. Reported every hop, it was hundreds
  // of low alerts a month. People's networks keep reporting it: one session alternating between two homes 500 km
  // apart is a copied cookie, however familiar both addresses have become.
  if (destinationHabitual && habitualServerPair(ctx, lastKind)) return;
  if (fleetAndPerson(ctx, lastKind, lastAsn)) return;
  const explained = destinationHabitual || mobileInKnownCountry;
  const coldServers = !explained && coldServerPair(ctx, lastKind);
  let score = explained ? 30 : coldServers ? 45 : 55;
  if (!explained && !coldServers && ctx.placeNovelty >= 20) score += 15;
  if (ctx.kind === 'hosting' && !coldServers) score += 5;
  out.push({
    rule: 'impossible_travel',
    score,
    stage: eventStage(ctx),
    summary: `${Math.round(raw)} km in ${round2(hours * 60)} min (${Math.round(speed)} km/h) to ${g.city ?? ''} ${g.country ?? ''}`.replace(
      /\s+/g,
      ' ',
    ),
    evidence: {
      distance_km: Math.round(raw),
      minutes: round2(hours * 60),
      speed_kmh: Math.round(speed),
      previous: {
        lat: cred.f[cred.fo + F_GEO_LAT],
        lon: cred.f[cred.fo + F_GEO_LON],
        asn: lastAsn || undefined,
        asn_kind: lastKind,
        time: new Date(lastTs).toISOString(),
      },
      current: {
        lat: g.lat,
        lon: g.lon,
        city: g.city,
        country: g.country,
        asn: ctx.asn || undefined,
        as_org: g.as_org,
        asn_kind: ctx.kind,
      },
      destination_habitual: destinationHabitual,
      mobile_in_known_country: mobileInKnownCountry,
      new_credential_servers: coldServers || undefined,
      thresholds: { min_distance_km: it.minDistanceKm, max_speed_kmh: it.maxSpeedKmh, mobile_slack_km: it.mobileUncertaintyKm },
    },
    // Explained (two known places, a carrier's gateway) or a new integration's servers: news, not evidence of theft.
    noveltyOnly: explained || coldServers,
    // Mobile geolocation is too coarse to make the context suspicious on its own.
    suspicion: explained || coldServers || ctx.kind === 'mobile' ? 0 : score,
  });
}
