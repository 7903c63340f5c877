import type { EnrichedEvent, GeoInfo } from '../enriched-event.js';
import type { NormalisedEvent } from '../ingest/types.js';
import { type AsnClassifier, createAsnClassifier } from './asn-kind.js';
import type { IpIntel } from './ip-intel.js';
import { createUserAgentParser, type UserAgentParser } from './user-agent.js';

/** Adds geo, network and client facts to a normalised event. */
export type Enricher = (event: NormalisedEvent) => EnrichedEvent;

/** Options of {@link createEnricher}. */
export interface EnricherOptions {
  /** IP intelligence; without it events carry only what their source reported. */
  ipIntel?: IpIntel;
  userAgents?: UserAgentParser;
  /** Kinds of the networks a source names that the databases do not know (default: the shipped lists). */
  asnClassifier?: AsnClassifier;
}

function mergeHint(geo: GeoInfo | undefined, hint: NormalisedEvent['network_hint'], kinds: () => AsnClassifier): GeoInfo | undefined {
  if (!hint) return geo;
  const merged: GeoInfo = { ...geo, asn_kind: geo?.asn_kind ?? 'unknown' };
  // The databases win; the source's own view fills the gaps.
  if (merged.country === undefined && hint.country) merged.country = hint.country;
  if (merged.city === undefined && hint.city) merged.city = hint.city;
  if (merged.lat === undefined && hint.lat !== undefined && hint.lon !== undefined) {
    merged.lat = hint.lat;
    merged.lon = hint.lon;
  }
  if (merged.asn === undefined && hint.asn !== undefined) merged.asn = hint.asn;
  if (merged.as_org === undefined && hint.as_org) merged.as_org = hint.as_org;
  // A network the databases do not know but the source names (Okta's asNumber and asOrg) gets its
  // kind from the same lists: a Zscaler exit must not pass for a consumer VPN below.
  if (merged.asn_kind === 'unknown' && (merged.asn !== undefined || merged.as_org !== undefined))
    merged.asn_kind = kinds().classify(merged.asn, merged.as_org);
  // A source's proxy flag also covers companies' web gateways; the network's own kind says which it is.
  if (hint.proxy === true && merged.asn_kind !== 'tor' && merged.asn_kind !== 'security_proxy') merged.asn_kind = 'vpn';
  return merged;
}

/**
 * Creates the enricher: IP → country, city, coordinates, ASN, organisation and ASN kind (from
 * {@link IpIntel}, filled in by the source's own hints such as Okta's securityContext), and user
 * agent → client family, OS, device and whether it is scripted. A console session (CloudTrail
 * `sessionCredentialFromConsole`) is never scripted whatever its user agent says.
 *
 * @example
 * ```ts
 * const enrich = createEnricher({ ipIntel: createIpIntel() });
 * const event = enrich(normalised); // event.geo?.country, event.client?.scripted
 * ```
 */
export function createEnricher(options: EnricherOptions = {}): Enricher {
  const intel = options.ipIntel;
  const ua = options.userAgents ?? createUserAgentParser();
  // Built on first need: only sources with network hints that the databases miss use it.
  let classifier = options.asnClassifier;
  const kinds = (): AsnClassifier => {
    classifier ??= createAsnClassifier();
    return classifier;
  };
  return (event) => {
    const hint = event.network_hint;
    // Only sources with hints (Okta) pay for a copy; the rest are enriched in place.
    let out: EnrichedEvent;
    if (hint === undefined) out = event as EnrichedEvent;
    else {
      const { network_hint: _hint, ...rest } = event;
      out = rest as EnrichedEvent;
    }
    const ip = event.source_ip;
    let found: GeoInfo | undefined;
    if (ip && intel) {
      // The reorder buffer's slot of the credential remembers its last two addresses and what the intelligence
      // said of them: most events of a credential come from an address one of its previous events came from.
      const slot = event.key_slot;
      if (slot === undefined) found = intel.lookup(ip);
      else if (slot.ipOwner !== intel) {
        found = intel.lookup(ip);
        slot.ipOwner = intel;
        slot.ip = ip;
        slot.ipAnswer = found;
        slot.ip2 = undefined;
        slot.ipAnswer2 = undefined;
      } else if (slot.ip === ip) found = slot.ipAnswer as GeoInfo | undefined;
      else if (slot.ip2 === ip) found = slot.ipAnswer2 as GeoInfo | undefined;
      else {
        found = intel.lookup(ip);
        slot.ip2 = slot.ip;
        slot.ipAnswer2 = slot.ipAnswer;
        slot.ip = ip;
        slot.ipAnswer = found;
      }
    }
    const geo = mergeHint(found, hint, kinds);
    if (geo) out.geo = geo;
    let client = ua.parse(event.user_agent);
    if (client && event.interactive === true && client.scripted) client = { ...client, scripted: false };
    if (client) out.client = client;
    return out;
  };
}
