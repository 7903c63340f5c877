import { readFileSync } from 'node:fs';
import type { AsnKind } from '../enriched-event.js';

// The lists ship as JSON next to the source (package `files` includes src), so operators can
// read and diff them; from dist/ the same file is found under ../../src.
const DATA_LOCATIONS = ['./data/asn-kinds.json', '../../src/enrich/data/asn-kinds.json'];

// Read once per process: the IP intelligence and the enricher (for networks only a source names) both classify.
let shipped: AsnKindData | undefined;

function loadShippedData(): AsnKindData {
  if (shipped !== undefined) return shipped;
  for (const rel of DATA_LOCATIONS) {
    try {
      shipped = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as AsnKindData;
      return shipped;
    } catch {
      // try the next location
    }
  }
  throw new Error('asn-kinds.json not found next to the detection package sources');
}

/** The shape of `data/asn-kinds.json`: ASN lists per kind and organisation-name keywords. */
export interface AsnKindData {
  /** Networks run to host Tor relays; optional so older operator files still load. */
  tor?: number[];
  /** Companies' secure web gateways (Zscaler, Netskope...); optional so older operator files still load. */
  security_proxy?: number[];
  hosting: number[];
  vpn: number[];
  satellite: number[];
  mobile: number[];
  residential: number[];
  keywords: Record<'vpn' | 'satellite' | 'mobile' | 'hosting' | 'residential', string[]> & { tor?: string[]; security_proxy?: string[] };
}

/** Classifies an ASN (number and organisation name) into the kind of network it is. */
export interface AsnClassifier {
  classify(asn: number | undefined, org: string | undefined): AsnKind;
}

// A gateway vendor's name is checked before the consumer-VPN words ('proxy'), which would match it too.
const KEYWORD_ORDER = ['tor', 'security_proxy', 'vpn', 'satellite', 'mobile', 'hosting', 'residential'] as const;

/**
 * Creates the ASN classifier from the shipped lists (`data/asn-kinds.json`): explicit ASNs
 * first (AWS, GCP, Azure... are `hosting`; Starlink is `satellite`; Mullvad and M247 are `vpn`;
 * networks that exist to run Tor relays are `tor`; Zscaler, Netskope and other secure web gateways are
 * `security_proxy`), then organisation-name keywords (`hosting`, `cloud`, `vps`, `vpn`...).
 *
 * @example
 * ```ts
 * const asnKinds = createAsnClassifier();
 * asnKinds.classify(16509, 'Amazon.com, Inc.'); // 'hosting'
 * asnKinds.classify(64500, 'Example Broadband'); // 'residential'
 * ```
 */
export function createAsnClassifier(data: AsnKindData = loadShippedData()): AsnClassifier {
  const byAsn = new Map<number, AsnKind>();
  for (const kind of ['residential', 'mobile', 'hosting', 'satellite', 'vpn', 'security_proxy', 'tor'] as const) {
    for (const asn of data[kind] ?? []) byAsn.set(asn, kind);
  }
  const patterns = KEYWORD_ORDER.flatMap((kind) => {
    const words = data.keywords[kind] ?? [];
    return words.length === 0 ? [] : [{ kind, re: new RegExp(words.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i') }];
  });
  const byOrg = new Map<string, AsnKind>();
  return {
    classify(asn, org) {
      if (asn !== undefined) {
        const known = byAsn.get(asn);
        if (known) return known;
      }
      if (!org) return 'unknown';
      let kind = byOrg.get(org);
      if (kind === undefined) {
        kind = patterns.find((p) => p.re.test(` ${org} `))?.kind ?? 'unknown';
        if (byOrg.size < 100_000) byOrg.set(org, kind);
      }
      return kind;
    },
  };
}
