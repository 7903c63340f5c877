import { atLocalHour, localDay } from '../model/calendar.js';
import { type ClientProfile, randomBrowser } from '../model/clients.js';
import type { HardNegative } from '../model/labels.js';
import { type Network, network } from '../model/networks.js';
import { newCredential, type SimCredential } from '../model/sim-event.js';
import type { Rng } from '../prng.js';
import type { Role } from './roles.js';

const DAY = 86_400_000;

/** Where people live: time zone, home ISPs, office, VPN egress, carrier and rough coordinates. */
interface Region {
  key: string;
  country: string;
  timeZone: string;
  homes: string[];
  office?: string;
  vpn: string;
  mobile?: string[];
  lat: number;
  lon: number;
  weight: number;
}

const REGIONS: Region[] = [
  {
    key: 'us-west',
    country: 'US',
    timeZone: 'America/Los_Angeles',
    homes: ['us-comcast-ca', 'us-comcast-sj', 'us-comcast-sm'],
    vpn: 'vpn-zscaler-us',
    mobile: ['us-tmobile', 'us-verizon-wireless'],
    lat: 37.5,
    lon: -122,
    weight: 4,
  },
  {
    key: 'us-central',
    country: 'US',
    timeZone: 'America/Chicago',
    homes: ['us-verizon-fios', 'us-comcast-sm'],
    office: 'office-us',
    vpn: 'vpn-zscaler-us',
    mobile: ['us-tmobile'],
    lat: 29.7,
    lon: -95.4,
    weight: 4,
  },
  {
    key: 'us-east',
    country: 'US',
    timeZone: 'America/New_York',
    homes: ['us-verizon-fios'],
    vpn: 'vpn-zscaler-us',
    mobile: ['us-verizon-wireless'],
    lat: 40.7,
    lon: -74,
    weight: 2,
  },
  {
    key: 'gb',
    country: 'GB',
    timeZone: 'Europe/London',
    homes: ['gb-bt', 'gb-virgin'],
    office: 'office-gb',
    vpn: 'vpn-zscaler-eu',
    mobile: ['gb-three'],
    lat: 51.5,
    lon: -0.1,
    weight: 3,
  },
  {
    key: 'de',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    homes: ['de-telekom'],
    office: 'office-de',
    vpn: 'vpn-zscaler-eu',
    lat: 51.5,
    lon: 7.5,
    weight: 2,
  },
  {
    key: 'fr',
    country: 'FR',
    timeZone: 'Europe/Paris',
    homes: ['fr-free', 'fr-orange'],
    vpn: 'vpn-zscaler-eu',
    lat: 48.85,
    lon: 2.35,
    weight: 1,
  },
  {
    key: 'in',
    country: 'IN',
    timeZone: 'Asia/Kolkata',
    homes: ['in-airtel', 'in-act'],
    vpn: 'vpn-zscaler-eu',
    mobile: ['in-jio'],
    lat: 28.6,
    lon: 77.2,
    weight: 2,
  },
  { key: 'ca', country: 'CA', timeZone: 'America/Toronto', homes: ['ca-rogers'], vpn: 'vpn-zscaler-us', lat: 43.65, lon: -79.4, weight: 1 },
  { key: 'pl', country: 'PL', timeZone: 'Europe/Warsaw', homes: ['pl-orange'], vpn: 'vpn-zscaler-eu', lat: 52.2, lon: 21, weight: 1 },
  { key: 'nl', country: 'NL', timeZone: 'Europe/Amsterdam', homes: ['nl-kpn'], vpn: 'vpn-zscaler-eu', lat: 51.5, lon: 4.5, weight: 1 },
  {
    key: 'au',
    country: 'AU',
    timeZone: 'Australia/Sydney',
    homes: ['au-telstra'],
    vpn: 'vpn-zscaler-us',
    lat: -33.9,
    lon: 151.2,
    weight: 0.5,
  },
];

/** Business-trip destinations: a hotel network, its zone and coordinates. */
const DESTINATIONS = [
  { net: 'jp-ntt', country: 'JP', timeZone: 'Asia/Tokyo', lat: 35.7, lon: 139.7 },
  { net: 'es-telefonica', country: 'ES', timeZone: 'Atlantic/Canary', lat: 28.1, lon: -16.7 },
  { net: 'gb-bt', country: 'GB', timeZone: 'Europe/London', lat: 51.5, lon: -0.1 },
  { net: 'us-comcast-sj', country: 'US', timeZone: 'America/Los_Angeles', lat: 37.3, lon: -121.9 },
];

const FIRST = [
  'alice',
  'bob',
  'carmen',
  'deepak',
  'elena',
  'farid',
  'grace',
  'hiro',
  'ines',
  'jonas',
  'kavya',
  'liam',
  'mei',
  'noah',
  'olga',
  'pavel',
  'quinn',
  'rosa',
  'sanjay',
  'tomas',
  'uma',
  'victor',
  'wen',
  'xavier',
  'yara',
  'zoe',
];
const LAST = [
  'nguyen',
  'smith',
  'garcia',
  'patel',
  'muller',
  'kowalski',
  'tanaka',
  'dubois',
  'okafor',
  'jensen',
  'rossi',
  'khan',
  'silva',
  'novak',
  'brown',
  'ivanova',
  'lee',
  'fischer',
];

/** A person's benign habits, decided once; {@link userTraffic} plays them out day by day. */
export interface UserPlan {
  rng: Rng;
  name: string;
  role: Role;
  country: string;
  timeZone: string;
  lat: number;
  lon: number;
  home: Network;
  homeBlock: string;
  office?: Network;
  officeDays: ReadonlySet<number>;
  vpn: Network;
  /** Share of home working days spent on the company VPN. */
  vpnShare: number;
  mobile?: Network;
  client: ClientProfile;
  workStart: number;
  workHours: number;
  burstsPerHour: number;
  vacation: ReadonlySet<string>;
  credential: SimCredential;
  hardNegative: HardNegative;
  /** Epoch ms of the first day at work (new employees). */
  joinAt?: number;
  /** A new laptop or browser from this moment. */
  deviceChange?: { at: number; client: ClientProfile };
  /** Self-service key rotation at this moment, to this new key. */
  rotation?: { at: number; next: SimCredential };
  /** Company VPN adopted from this moment (it was never used before). */
  vpnFrom?: number;
  /** On-call weeks (index of the week since the start). */
  onCallWeeks?: ReadonlySet<number>;
  trip?: Trip;
  /** New colleagues this admin onboards (user name and day). */
  onboards: { at: number; userName: string }[];
}

/** A business trip: fly out, work in another zone from a hotel, fly back. */
export interface Trip {
  departAt: number;
  arriveAt: number;
  returnAt: number;
  backAt: number;
  net: Network;
  timeZone: string;
}

function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const r = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

function roleFor(rng: Rng): Role {
  return rng.weighted<Role>([
    ['developer', 10],
    ['sre', 3],
    ['data', 3],
    ['finance', 2],
    ['admin', 1],
    ['support', 3],
  ]);
}

function clientFor(rng: Rng, role: Role): ClientProfile {
  const os = rng.chance(0.7) ? 'macos' : 'linux';
  if (role === 'data') return { type: 'tool', tool: { tool: 'boto3', os } };
  if (role === 'sre' && rng.chance(0.8)) return { type: 'tool', tool: { tool: 'aws-cli', os } };
  if (role === 'developer' && rng.chance(0.55)) return { type: 'tool', tool: { tool: 'aws-cli', os } };
  return { type: 'browser', browser: randomBrowser(rng) };
}

/**
 * Decides one person's habits. `hardNegative` adds the corresponding benign oddity, placed
 * inside the simulated window.
 *
 * @example
 * ```ts
 * const plan = planUser(rng.fork('user-3'), 3, 'traveller', start, days);
 * ```
 */
export function planUser(rng: Rng, index: number, hardNegative: HardNegative, start: number, days: number, forceRole?: Role): UserPlan {
  const region = rng.weighted(REGIONS.map((r) => [r, r.weight] as const));
  let role = forceRole ?? roleFor(rng);
  if (hardNegative === 'on_call') role = 'sre';
  const combos = FIRST.length * LAST.length;
  const name = `${FIRST[index % FIRST.length]}.${LAST[(index + Math.floor(index / FIRST.length) * 5) % LAST.length]}${index >= combos ? Math.floor(index / combos) + 1 : ''}`;
  let client = clientFor(rng, role);
  if (hardNegative === 'key_rotation' && client.type === 'browser') client = { type: 'tool', tool: { tool: 'aws-cli', os: 'macos' } };
  if (hardNegative === 'new_device' && client.type !== 'browser') client = { type: 'browser', browser: randomBrowser(rng) };
  const home = network(rng.pick(region.homes));
  const office = region.office ? network(region.office) : undefined;
  const officeDays = new Set<number>();
  if (office && rng.chance(0.8)) for (const d of rng.shuffle([1, 2, 3, 4, 5]).slice(0, rng.int(2, 4))) officeDays.add(d);
  const vacation = new Set<string>();
  if (rng.chance(0.3)) {
    const first = start + rng.int(0, Math.max(0, days - 5)) * DAY;
    for (let i = 0; i < rng.int(2, 5); i++) vacation.add(new Date(first + i * DAY).toISOString().slice(0, 10));
  }
  const mobileId = region.mobile && rng.chance(0.6) ? rng.pick(region.mobile) : undefined;
  const plan: UserPlan = {
    rng,
    name,
    role,
    country: region.country,
    timeZone: region.timeZone,
    lat: region.lat,
    lon: region.lon,
    home,
    homeBlock: rng.pick(home.blocks),
    officeDays,
    vpn: network(region.vpn),
    vpnShare: hardNegative === 'shared_office_vpn' ? 0 : rng.chance(0.6) ? rng.float(0.3, 0.9) : 0,
    client,
    workStart: Math.min(11, Math.max(7, rng.normal(role === 'developer' ? 9.3 : 8.7, 0.7))),
    workHours: Math.min(10, Math.max(6.5, rng.normal(8.4, 0.6))),
    burstsPerHour: { developer: 2.2, sre: 2.2, data: 1.6, finance: 1.1, admin: 1.3, support: 2.6 }[role] * rng.float(0.6, 1.4),
    vacation,
    credential: newCredential(rng, name, true),
    hardNegative,
    onboards: [],
  };
  if (office) plan.office = office;
  if (mobileId) plan.mobile = network(mobileId);
  const within = (lo: number, hi: number): number => start + Math.floor(days * rng.float(lo, hi)) * DAY;
  switch (hardNegative) {
    case 'new_employee':
      plan.joinAt = within(0.45, 0.75);
      break;
    case 'new_device':
      plan.deviceChange = { at: within(0.4, 0.7) + rng.int(0, 23) * 3_600_000, client: { type: 'browser', browser: randomBrowser(rng) } };
      break;
    case 'key_rotation':
      plan.rotation = { at: within(0.35, 0.75), next: newCredential(rng, name, true) };
      break;
    case 'shared_office_vpn':
      plan.vpnFrom = within(0.3, 0.6);
      break;
    case 'on_call': {
      const first = rng.int(0, 2);
      const weeks = new Set<number>();
      for (let w = first; w <= Math.ceil(days / 7); w += 3) weeks.add(w);
      plan.onCallWeeks = weeks;
      break;
    }
    case 'traveller': {
      const dest = rng.pick(DESTINATIONS.filter((d) => d.country !== region.country));
      const flightMs = ((distanceKm(region, dest) / 820 + 2.5) * 3_600_000) | 0;
      // Flights leave between 07:00 and 16:00 at home, not in the small hours.
      const departDay = localDay(region.timeZone, within(0.15, 0.45) + 12 * 3_600_000);
      const departAt = atLocalHour(departDay, region.timeZone, rng.int(7, 16));
      const stay = rng.int(4, 8) * DAY;
      plan.trip = {
        departAt,
        arriveAt: departAt + flightMs,
        returnAt: departAt + flightMs + stay,
        backAt: departAt + 2 * flightMs + stay,
        net: network(dest.net),
        timeZone: dest.timeZone,
      };
      break;
    }
    default:
      break;
  }
  return plan;
}
