import { STAGE_NONE } from '../classify/operation-class.js';
import { B_HLL_IP, HLL_IP_REGISTERS, K_ASN, K_CITY, K_COUNTRY, K_IP, U_ASN, U_CITY, U_COUNTRY, U_IP } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { hllEstimate } from '../sketches/hyperloglog.js';
import { topKCount } from '../sketches/top-k.js';
import { knownValues, round2 } from './evidence.js';
import type { DetectionContext, Finding } from './types.js';

/**
 * Score of an unknown network for a credential and principal with no history at all, before kind weighting.
 * Kept below the "unfamiliar context" level of other detectors: with no baseline there is nothing to be
 * unfamiliar with, only the network kind (Tor scores highest).
 */
const COLD_START_SCORE = 25;

/** Whether the credential or its principal already uses `key` (0, an unknown value, counts as known). A plain function, not a per-event closure. */
function known(cred: Profile, principal: Profile, offset: number, k: number, key: number): boolean {
  return key === 0 || topKCount(cred.u, cred.uo + offset, k, key) > 0 || topKCount(principal.u, principal.uo + offset, k, key) > 0;
}

/**
 * Detector 1, new place. A first-seen country, ASN or city for the credential AND its principal (a user's new
 * key from their usual laptop is not a new place). The base score by what is new (country > ASN > city; a new
 * IP inside a known ASN and city scores nearly nothing, as residential IPs rotate) is weighted by the network
 * kind (Tor and hosting are where stolen tokens are replayed from; mobile and residential are where people
 * are) and divided when the ASN or country is common in the whole organisation (the office VPN).
 * Sets `ctx.placeNovelty` for the other detectors. Pure novelty: capped at `medium` alone.
 *
 * @example
 * ```ts
 * detectNewPlace(ctx, findings);
 * ```
 */
export function detectNewPlace(ctx: DetectionContext, out: Finding[]): void {
  ctx.placeNovelty = 0;
  if (ctx.ipHash === 0 && ctx.asn === 0 && ctx.countryHash === 0) return;
  const { cred, principal, org, cfg } = ctx;
  const np = cfg.newPlace;
  const weight0 = np.kindWeight[ctx.kind] ?? 0.6;
  const asnCommon = ctx.asn !== 0 && org.isCommon(org.asns, ctx.asn);
  if (cred.events === 0 && principal.events === 0) {
    // Nothing to compare with: only the org view and the network kind say anything.
    if (!asnCommon) ctx.placeNovelty = COLD_START_SCORE * weight0;
    return;
  }
  if (
    ctx.ipHash !== 0 &&
    (topKCount(cred.u, cred.uo + U_IP, K_IP, ctx.ipHash) > 0 || topKCount(principal.u, principal.uo + U_IP, K_IP, ctx.ipHash) > 0)
  )
    return;
  const countryKnown = known(cred, principal, U_COUNTRY, K_COUNTRY, ctx.countryHash);
  const asnKnown = known(cred, principal, U_ASN, K_ASN, ctx.asn);
  const cityKnown = known(cred, principal, U_CITY, K_CITY, ctx.cityHash);
  let what: 'country' | 'asn' | 'city' | 'ip';
  let base: number;
  if (!countryKnown) {
    what = 'country';
    base = np.newCountryScore + (asnKnown ? 0 : 5);
  } else if (!asnKnown) {
    what = 'asn';
    base = np.newAsnScore;
  } else if (!cityKnown) {
    what = 'city';
    base = np.newCityScore;
  } else {
    what = 'ip';
    base = 3;
  }
  let weight = weight0;
  if (asnCommon) weight *= 0.2;
  else if (what === 'country' && org.isCommon(org.countries, ctx.countryHash)) weight *= 0.8;
  // A thin baseline makes everything look new: scale by how much history exists.
  const history = Math.max(cred.events, principal.events);
  const maturity = Math.min(1, 0.4 + (0.6 * history) / Math.max(1, cfg.learning.minEvents));
  const score = base * weight * maturity;
  ctx.placeNovelty = score;
  if (score < np.minReportScore) return;
  const g = ctx.ev.geo;
  out.push({
    rule: 'new_place',
    score,
    stage: STAGE_NONE,
    summary:
      `first use of this credential from a new ${what === 'asn' ? 'network' : what}: ${g?.country ?? '?'} ${g?.city ?? ''} AS${ctx.asn} ${g?.as_org ?? ''} (${ctx.kind})`.replace(
        /\s+/g,
        ' ',
      ),
    evidence: {
      new: what,
      source_ip: ctx.ev.source_ip,
      country: g?.country,
      city: g?.city,
      asn: ctx.asn || undefined,
      as_org: g?.as_org,
      asn_kind: ctx.kind,
      kind_weight: weight0,
      org_common_asn: asnCommon,
      org_principals_on_asn: org.asns.principals(ctx.asn),
      baseline: {
        credential_events: cred.events,
        principal_events: principal.events,
        known_countries: knownValues(cred, U_COUNTRY, K_COUNTRY, org),
        known_networks: knownValues(cred, U_ASN, K_ASN, org),
        distinct_ips: hllEstimate(cred.b, cred.bo + B_HLL_IP, HLL_IP_REGISTERS),
      },
      maturity: round2(maturity),
      threshold: np.minReportScore,
    },
    noveltyOnly: true,
    suspicion: score,
  });
}
