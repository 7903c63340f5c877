import type { AsnKind } from '../../enriched-event.js';
import { K_ASN, U_ASN } from '../profile/layout.js';
import type { OrgStats } from '../profile/org-stats.js';
import { distanceKm } from '../sketches/geo-distance.js';
import { topKCount } from '../sketches/top-k.js';
import { eventStage } from './chain-position.js';
import { round2 } from './evidence.js';
import { orgState, rememberLatest } from './org-memory.js';
import type { DetectionContext, Finding } from './types.js';

/** Networks whose address places a person: home and office lines (and those the databases cannot classify). */
const PERSON_LINES: ReadonlySet<AsnKind> = new Set<AsnKind>(['residential', 'business', 'unknown']);
/** People followed at once; the least recently seen is forgotten first. */
const MAX_PEOPLE = 100_000;
/** Score of a session used far from where its owner is in another session: evidence, high. */
const SESSION_TRAVEL_SCORE = 70;

/** Where a person last was, in which of their sessions. */
interface LastPlace {
  lat: number;
  lon: number;
  ts: number;
  asn: number;
  session: string;
}

/** Per engine (keyed by its organisation statistics), not in the snapshot: a restart learns the places again. */
const PLACES = new WeakMap<OrgStats, Map<string, LastPlace>>();
const newPlaces = (): Map<string, LastPlace> => new Map();

/**
 * Impossible travel across a person's sessions: a session (an Okta session) that was used on the network where its
 * owner still is, in another session signed in there, is now used impossibly far away (a stolen cookie replayed
 * abroad a few evenings later, low and slow, while its owner signs in at home each morning). Within one session the
 * impossible-travel rule sees it; across sessions only the person ties them, and a new session each day hides the
 * old one's return.
 *
 * The person is where their other session is; the session that moved is the copy: it was used on their network, and
 * is now used far away while they stay. A traveller signs in again where they land (a new session, on networks it
 * never used) and their old session, left at home, is not used from both places. Only home and office lines count at
 * either end: mobile carriers geolocate to distant gateways, and VPNs, Tor, satellite, servers (a company VPN in a
 * cloud) and networks much of the company shares say nothing of where a person is.
 *
 * @example
 * ```ts
 * detectSessionTravel(ctx, findings);
 * ```
 */
export function detectSessionTravel(ctx: DetectionContext, out: Finding[]): void {
  const who = ctx.ev.principal;
  if (who === undefined || !ctx.hasCoords || ctx.ev.credential_kind !== 'saas_session' || ctx.ev.outcome === 'failure' || ctx.asn === 0)
    return;
  const it = ctx.cfg.impossibleTravel;
  // Only a person's own lines say where they are: a carrier's gateway, a VPN or relay, a server (a company VPN on a
  // cloud), or a network much of the company shares, do not.
  if (!PERSON_LINES.has(ctx.kind) || it.excludedKinds.includes(ctx.kind) || ctx.org.isCommon(ctx.org.asns, ctx.asn)) return;
  const g = ctx.ev.geo!;
  const session = ctx.ev.credential_key;
  const places = orgState(PLACES, ctx.org, newPlaces);
  const last = places.get(who);
  if (last !== undefined && last.session !== session && ctx.now >= last.ts && last.asn !== ctx.asn) {
    const distance = distanceKm(last.lat, last.lon, g.lat!, g.lon!);
    const hours = Math.max(ctx.now - last.ts, 1000) / 3_600_000;
    const speed = distance / hours;
    const { cred } = ctx;
    // This session was on the network where its owner still is, and is now used far from it.
    const leftOwner = topKCount(cred.u, cred.uo + U_ASN, K_ASN, last.asn) > 0;
    if (distance >= it.minDistanceKm && speed > it.maxSpeedKmh && leftOwner) {
      out.push({
        rule: 'impossible_travel',
        score: SESSION_TRAVEL_SCORE,
        stage: eventStage(ctx),
        summary:
          `session used in ${g.city ?? ''} ${g.country ?? ''} ${Math.round(distance)} km from where ${who} was ${round2(hours * 60)} min earlier in another session (${Math.round(speed)} km/h); it was used on that network before`.replace(
            /\s+/g,
            ' ',
          ),
        evidence: {
          kind: 'across_sessions',
          distance_km: Math.round(distance),
          minutes: round2(hours * 60),
          speed_kmh: Math.round(speed),
          owner: { lat: last.lat, lon: last.lon, asn: last.asn, session: last.session, time: new Date(last.ts).toISOString() },
          current: { lat: g.lat, lon: g.lon, city: g.city, country: g.country, asn: ctx.asn, as_org: g.as_org, asn_kind: ctx.kind },
          thresholds: { min_distance_km: it.minDistanceKm, max_speed_kmh: it.maxSpeedKmh },
        },
        noveltyOnly: false,
        suspicion: SESSION_TRAVEL_SCORE,
      });
    }
  }
  if (last === undefined) {
    rememberLatest(places, who, { lat: g.lat!, lon: g.lon!, ts: ctx.now, asn: ctx.asn, session }, MAX_PEOPLE);
    return;
  }
  if (ctx.now < last.ts) return;
  rememberLatest(places, who, last, MAX_PEOPLE);
  last.lat = g.lat!;
  last.lon = g.lon!;
  last.ts = ctx.now;
  last.asn = ctx.asn;
  last.session = session;
}

/**
 * Where and when a person last used one of their sessions (network and time), as far as this engine has seen.
 *
 * @example
 * ```ts
 * const last = lastSessionPlace(ctx, 'dan@acme.io'); // { asn: 701, ts: 1760000000000 }
 * ```
 */
export function lastSessionPlace(ctx: DetectionContext, who: string): { asn: number; ts: number } | undefined {
  const last = PLACES.get(ctx.org)?.get(who);
  return last === undefined ? undefined : { asn: last.asn, ts: last.ts };
}
