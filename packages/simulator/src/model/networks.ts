import type { Rng } from '../prng.js';

/** What kind of network a block of addresses belongs to, as a defender would classify its ASN. */
export type NetworkKind = 'residential' | 'mobile' | 'office' | 'corporate_vpn' | 'cloud' | 'hosting' | 'vpn' | 'tor';

/**
 * A real, publicly routed network the simulator draws addresses from. Every `/24` listed was
 * checked against the DB-IP Lite city and `@ip-location-db/asn` data shipped with the detection
 * package (the `city` column is what that data says), so offline enrichment resolves simulated
 * traffic to a sensible place and operator. The addresses are real networks: nothing here is
 * meant to describe the people who actually use them.
 */
export interface Network {
  /** Stable name used in labels and tests. */
  id: string;
  /** `/24` blocks, written as their first three octets. A person's home stays in one block. */
  blocks: readonly string[];
  asn: number;
  org: string;
  kind: NetworkKind;
  /** ISO 3166-1 alpha-2 country the data resolves the blocks to. */
  country: string;
  /** City the data resolves the first block to (informational). */
  city: string;
  /** Why the simulator uses it. */
  why: string;
}

/**
 * Every network the simulator uses, and why. Kept as one table so that a reviewer can check the
 * ground truth of any simulated address.
 *
 * @example
 * ```ts
 * NETWORKS.filter((n) => n.kind === 'tor').map((n) => n.blocks[0]);
 * ```
 */
export const NETWORKS: readonly Network[] = [
  // Home broadband, by country.
  {
    id: 'us-comcast-ca',
    blocks: ['73.162.10', '73.162.11'],
    asn: 7922,
    org: 'Comcast Cable',
    kind: 'residential',
    country: 'US',
    city: 'Fairfield',
    why: 'US home broadband (Bay Area)',
  },
  {
    id: 'us-comcast-sj',
    blocks: ['98.210.4'],
    asn: 7922,
    org: 'Comcast Cable',
    kind: 'residential',
    country: 'US',
    city: 'San Jose',
    why: 'US home broadband',
  },
  {
    id: 'us-comcast-sm',
    blocks: ['24.4.10', '24.4.11'],
    asn: 7922,
    org: 'Comcast Cable',
    kind: 'residential',
    country: 'US',
    city: 'Santa Maria',
    why: 'US home broadband',
  },
  {
    id: 'us-charter',
    blocks: ['66.75.20'],
    asn: 20001,
    org: 'Charter Communications',
    kind: 'residential',
    country: 'US',
    city: 'Barstow',
    why: 'US home broadband; also a residential-proxy exit against US victims',
  },
  {
    id: 'us-verizon-fios',
    blocks: ['71.240.1'],
    asn: 701,
    org: 'Verizon',
    kind: 'residential',
    country: 'US',
    city: 'Pittsburgh',
    why: 'US home fibre; also a residential-proxy exit',
  },
  {
    id: 'gb-bt',
    blocks: ['86.150.11', '86.130.5'],
    asn: 2856,
    org: 'British Telecommunications',
    kind: 'residential',
    country: 'GB',
    city: 'London',
    why: 'UK home broadband',
  },
  {
    id: 'gb-virgin',
    blocks: ['82.10.1'],
    asn: 5089,
    org: 'Virgin Media',
    kind: 'residential',
    country: 'GB',
    city: 'Brighton',
    why: 'UK home broadband; residential-proxy exit against UK victims',
  },
  {
    id: 'de-telekom',
    blocks: ['79.210.10', '79.210.11', '87.130.1'],
    asn: 3320,
    org: 'Deutsche Telekom',
    kind: 'residential',
    country: 'DE',
    city: 'Lunen',
    why: 'German home DSL',
  },
  {
    id: 'de-telekom-proxy',
    blocks: ['91.10.1'],
    asn: 3320,
    org: 'Deutsche Telekom',
    kind: 'residential',
    country: 'DE',
    city: 'Niemberg',
    why: 'residential-proxy exit against German victims (same ISP as many victims)',
  },
  {
    id: 'fr-free',
    blocks: ['78.194.1'],
    asn: 12322,
    org: 'Free SAS',
    kind: 'residential',
    country: 'FR',
    city: 'Paris',
    why: 'French home broadband',
  },
  {
    id: 'fr-orange',
    blocks: ['90.10.1'],
    asn: 3215,
    org: 'Orange',
    kind: 'residential',
    country: 'FR',
    city: 'Paris',
    why: 'French home broadband',
  },
  {
    id: 'in-airtel',
    blocks: ['122.161.1'],
    asn: 24560,
    org: 'Bharti Airtel',
    kind: 'residential',
    country: 'IN',
    city: 'New Delhi',
    why: 'Indian home broadband',
  },
  {
    id: 'in-act',
    blocks: ['106.51.10'],
    asn: 24309,
    org: 'Atria Convergence Technologies',
    kind: 'residential',
    country: 'IN',
    city: 'Bengaluru',
    why: 'Indian home broadband',
  },
  {
    id: 'jp-ntt',
    blocks: ['153.200.1'],
    asn: 4713,
    org: 'NTT Communications',
    kind: 'residential',
    country: 'JP',
    city: 'Tokyo',
    why: 'Japanese home fibre (hotel network of a traveller)',
  },
  {
    id: 'au-telstra',
    blocks: ['1.121.1'],
    asn: 1221,
    org: 'Telstra',
    kind: 'residential',
    country: 'AU',
    city: 'Sydney',
    why: 'Australian home broadband',
  },
  {
    id: 'ca-rogers',
    blocks: ['99.230.1'],
    asn: 812,
    org: 'Rogers Communications',
    kind: 'residential',
    country: 'CA',
    city: 'Toronto',
    why: 'Canadian home broadband',
  },
  {
    id: 'es-telefonica',
    blocks: ['2.137.1'],
    asn: 3352,
    org: 'Telefonica de Espana',
    kind: 'residential',
    country: 'ES',
    city: 'Adeje',
    why: 'Spanish home broadband (holiday destination of a traveller)',
  },
  {
    id: 'nl-kpn',
    blocks: ['77.163.1'],
    asn: 1136,
    org: 'KPN',
    kind: 'residential',
    country: 'NL',
    city: 'Roosendaal',
    why: 'Dutch home broadband',
  },
  {
    id: 'pl-orange',
    blocks: ['83.10.1'],
    asn: 5617,
    org: 'Orange Polska',
    kind: 'residential',
    country: 'PL',
    city: 'Rzaska',
    why: 'Polish home broadband',
  },
  {
    id: 'br-vivo',
    blocks: ['187.10.10'],
    asn: 27699,
    org: 'Telefonica Brasil',
    kind: 'residential',
    country: 'BR',
    city: 'Sao Paulo',
    why: 'foreign residential origin of an attacker',
  },
  {
    id: 'ar-telecom',
    blocks: ['181.10.10'],
    asn: 7303,
    org: 'Telecom Argentina',
    kind: 'residential',
    country: 'AR',
    city: 'Buenos Aires',
    why: 'foreign residential origin of an attacker',
  },
  {
    id: 'ke-safaricom',
    blocks: ['41.90.10'],
    asn: 37061,
    org: 'Safaricom',
    kind: 'residential',
    country: 'KE',
    city: 'Nairobi',
    why: 'foreign residential origin of an attacker',
  },
  // Mobile carriers.
  {
    id: 'us-tmobile',
    blocks: ['172.58.1'],
    asn: 21928,
    org: 'T-Mobile USA',
    kind: 'mobile',
    country: 'US',
    city: 'Watkinsville',
    why: 'US phone tethering (carrier-grade NAT, geolocation is coarse)',
  },
  {
    id: 'us-verizon-wireless',
    blocks: ['174.200.1'],
    asn: 6167,
    org: 'Verizon Wireless',
    kind: 'mobile',
    country: 'US',
    city: 'Boston',
    why: 'US phone tethering',
  },
  {
    id: 'gb-three',
    blocks: ['92.40.10'],
    asn: 206067,
    org: 'Hutchison 3G UK',
    kind: 'mobile',
    country: 'GB',
    city: 'London',
    why: 'UK phone tethering',
  },
  {
    id: 'in-jio',
    blocks: ['49.36.10'],
    asn: 55836,
    org: 'Reliance Jio',
    kind: 'mobile',
    country: 'IN',
    city: 'Navi Mumbai',
    why: 'Indian phone tethering',
  },
  // Offices and the company VPN.
  {
    id: 'office-us',
    blocks: ['12.10.1'],
    asn: 7018,
    org: 'AT&T Enterprises',
    kind: 'office',
    country: 'US',
    city: 'Houston',
    why: 'US head office business line',
  },
  {
    id: 'office-gb',
    blocks: ['81.145.10', '81.145.11'],
    asn: 2856,
    org: 'British Telecommunications',
    kind: 'office',
    country: 'GB',
    city: 'London',
    why: 'London office business line',
  },
  {
    id: 'office-de',
    blocks: ['62.157.10'],
    asn: 3320,
    org: 'Deutsche Telekom',
    kind: 'office',
    country: 'DE',
    city: 'Olsberg',
    why: 'German office business line',
  },
  {
    id: 'vpn-zscaler-us',
    blocks: ['165.225.36', '136.226.10'],
    asn: 22616,
    org: 'Zscaler',
    kind: 'corporate_vpn',
    country: 'US',
    city: 'Dallas',
    why: 'company secure-web-gateway egress shared by most US staff (org-wide common)',
  },
  {
    id: 'vpn-zscaler-eu',
    blocks: ['165.225.12'],
    asn: 62044,
    org: 'Zscaler Switzerland',
    kind: 'corporate_vpn',
    country: 'BE',
    city: 'Geel',
    why: 'company secure-web-gateway egress shared by EU staff',
  },
  // Clouds where the company's own automation runs.
  {
    id: 'aws-use1-a',
    blocks: ['3.85.1', '34.200.1', '18.204.10', '44.200.10'],
    asn: 14618,
    org: 'Amazon.com',
    kind: 'cloud',
    country: 'US',
    city: 'Ashburn',
    why: 'AWS us-east-1 EC2 (self-hosted CI runners, cron hosts)',
  },
  {
    id: 'aws-use1-b',
    blocks: ['54.145.1'],
    asn: 16509,
    org: 'Amazon.com',
    kind: 'cloud',
    country: 'US',
    city: 'Ashburn',
    why: 'AWS us-east-1 EC2 announced by the other Amazon ASN: where the CI runners move to',
  },
  {
    id: 'aws-use2',
    blocks: ['52.15.10', '3.140.10'],
    asn: 16509,
    org: 'Amazon.com',
    kind: 'cloud',
    country: 'US',
    city: 'Dublin (Ohio)',
    why: 'AWS us-east-2 (monitoring vendor crawler, NAT gateway of the app)',
  },
  {
    id: 'aws-euw1',
    blocks: ['52.210.1', '34.242.1'],
    asn: 16509,
    org: 'Amazon.com',
    kind: 'cloud',
    country: 'IE',
    city: 'Dublin',
    why: 'AWS eu-west-1 (EU workloads)',
  },
  {
    id: 'gcp-usc1',
    blocks: ['34.30.1', '35.186.1'],
    asn: 396982,
    org: 'Google LLC',
    kind: 'cloud',
    country: 'US',
    city: 'Council Bluffs',
    why: 'Google Cloud us-central1 (GitLab runners of the data team)',
  },
  {
    id: 'azure-github',
    blocks: ['4.150.10', '20.55.10', '13.64.10'],
    asn: 8075,
    org: 'Microsoft',
    kind: 'cloud',
    country: 'US',
    city: 'San Antonio',
    why: 'Azure ranges used by GitHub-hosted Actions runners',
  },
  // Where attackers come from.
  {
    id: 'do-nyc',
    blocks: ['167.99.1', '104.248.1'],
    asn: 14061,
    org: 'DigitalOcean',
    kind: 'hosting',
    country: 'US',
    city: 'North Bergen',
    why: 'rented VPS used by an attacker',
  },
  {
    id: 'do-sgp',
    blocks: ['159.65.1'],
    asn: 14061,
    org: 'DigitalOcean',
    kind: 'hosting',
    country: 'SG',
    city: 'Singapore',
    why: 'rented VPS used by an attacker',
  },
  {
    id: 'hetzner',
    blocks: ['5.9.1', '95.216.1'],
    asn: 24940,
    org: 'Hetzner Online',
    kind: 'hosting',
    country: 'DE',
    city: 'Falkenstein',
    why: 'rented server used by an attacker',
  },
  {
    id: 'ovh',
    blocks: ['51.68.1'],
    asn: 16276,
    org: 'OVH',
    kind: 'hosting',
    country: 'FR',
    city: 'Roubaix',
    why: 'rented server used by an attacker',
  },
  {
    id: 'vultr',
    blocks: ['45.32.1'],
    asn: 20473,
    org: 'The Constant Company (Vultr)',
    kind: 'hosting',
    country: 'US',
    city: 'Piscataway',
    why: 'rented VPS used by an attacker',
  },
  {
    id: 'vpn-m247',
    blocks: ['146.70.10'],
    asn: 9009,
    org: 'M247',
    kind: 'vpn',
    country: 'CR',
    city: 'San Jose',
    why: 'commercial VPN exit (M247 hosts many VPN brands)',
  },
  {
    id: 'vpn-mullvad',
    blocks: ['45.92.0'],
    asn: 216025,
    org: 'Mullvad VPN',
    kind: 'vpn',
    country: 'SE',
    city: 'Gothenburg',
    why: 'commercial VPN exit',
  },
  {
    id: 'vpn-datacamp',
    blocks: ['2.26.157'],
    asn: 212238,
    org: 'Datacamp (CDN77)',
    kind: 'vpn',
    country: 'US',
    city: 'New York',
    why: 'commercial VPN exit',
  },
  {
    id: 'vpn-packethub',
    blocks: ['94.140.10'],
    asn: 136787,
    org: 'PacketHub',
    kind: 'vpn',
    country: 'US',
    city: 'Dallas',
    why: 'commercial VPN exit',
  },
  {
    id: 'tor-sef',
    blocks: ['185.220.101'],
    asn: 60729,
    org: 'Stiftung Erneuerbare Freiheit',
    kind: 'tor',
    country: 'DE',
    city: 'Berlin',
    why: 'Tor exit relays',
  },
  {
    id: 'tor-f3',
    blocks: ['185.220.100'],
    asn: 205100,
    org: 'F3 Netze',
    kind: 'tor',
    country: 'DE',
    city: 'Hassfurt',
    why: 'Tor exit relays',
  },
  {
    id: 'tor-appliedprivacy',
    blocks: ['109.70.100'],
    asn: 208323,
    org: 'Foundation for Applied Privacy',
    kind: 'tor',
    country: 'AT',
    city: 'Vienna',
    why: 'Tor exit relays',
  },
  {
    id: 'tor-emerald',
    blocks: ['23.129.64'],
    asn: 396507,
    org: 'Emerald Onion',
    kind: 'tor',
    country: 'US',
    city: 'Seattle',
    why: 'Tor exit relays',
  },
];

const byId = new Map(NETWORKS.map((n) => [n.id, n]));

/**
 * Looks a network up by id; throws on an unknown id (a bug in the simulator, not user input).
 *
 * @example
 * ```ts
 * network('tor-f3').asn; // 205100
 * ```
 */
export function network(id: string): Network {
  const n = byId.get(id);
  if (!n) throw new RangeError(`unknown simulator network ${id}`);
  return n;
}

/**
 * Networks of one kind, optionally in one country.
 *
 * @example
 * ```ts
 * networksOf('residential', 'GB').map((n) => n.id); // ['gb-bt', 'gb-virgin']
 * ```
 */
export function networksOf(kind: NetworkKind, country?: string): Network[] {
  return NETWORKS.filter((n) => n.kind === kind && (country === undefined || n.country === country));
}

/**
 * A random host address inside one `/24` of a network (never .0, .1 or .255).
 *
 * @example
 * ```ts
 * hostIn(rng, '73.162.10'); // '73.162.10.87'
 * ```
 */
export function hostIn(rng: Rng, block: string): string {
  return `${block}.${rng.int(2, 254)}`;
}

/**
 * A random host in any block of a network.
 *
 * @example
 * ```ts
 * addressIn(rng, network('aws-use1-a')); // '3.85.1.23'
 * ```
 */
export function addressIn(rng: Rng, net: Network): string {
  return hostIn(rng, rng.pick(net.blocks));
}
