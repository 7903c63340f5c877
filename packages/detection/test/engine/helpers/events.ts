import type { Alert } from '@tokenwarden/core';
import type { DetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent, GeoInfo } from '../../../src/enriched-event.js';

/** Networks used by the engine tests (documentation ASNs and realistic shapes). */
export const PLACES = {
  londonHome: { country: 'GB', city: 'London', lat: 51.5, lon: -0.12, asn: 64501, as_org: 'Home Broadband Ltd', asn_kind: 'residential' },
  londonOffice: { country: 'GB', city: 'London', lat: 51.51, lon: -0.1, asn: 64502, as_org: 'Office Fibre', asn_kind: 'business' },
  londonMobile: { country: 'GB', city: 'London', lat: 51.45, lon: -0.2, asn: 64503, as_org: 'UK Mobile', asn_kind: 'mobile' },
  paris: { country: 'FR', city: 'Paris', lat: 48.85, lon: 2.35, asn: 64510, as_org: 'Orange FR', asn_kind: 'residential' },
  newYork: { country: 'US', city: 'New York', lat: 40.71, lon: -74.0, asn: 64520, as_org: 'US Cable', asn_kind: 'residential' },
  seattleMobile: { country: 'US', city: 'Seattle', lat: 47.61, lon: -122.33, asn: 64521, as_org: 'US Wireless', asn_kind: 'mobile' },
  singaporeVps: { country: 'SG', city: 'Singapore', lat: 1.29, lon: 103.85, asn: 64530, as_org: 'Cheap VPS Pte', asn_kind: 'hosting' },
  londonVps: { country: 'GB', city: 'London', lat: 51.51, lon: -0.13, asn: 64533, as_org: 'UK Cloud Servers', asn_kind: 'hosting' },
  frankfurtVps: { country: 'DE', city: 'Frankfurt', lat: 50.11, lon: 8.68, asn: 64531, as_org: 'Bulletproof Hosting', asn_kind: 'hosting' },
  awsVirginia: { country: 'US', city: 'Ashburn', lat: 39.04, lon: -77.49, asn: 14618, as_org: 'AMAZON-AES', asn_kind: 'hosting' },
  awsOregon: { country: 'US', city: 'Boardman', lat: 45.84, lon: -119.7, asn: 16509, as_org: 'AMAZON-02', asn_kind: 'hosting' },
  awsOregon2: { country: 'US', city: 'Boardman', lat: 45.84, lon: -119.7, asn: 14618, as_org: 'AMAZON-AES', asn_kind: 'hosting' },
  awsDublin: { country: 'IE', city: 'Dublin', lat: 53.35, lon: -6.26, asn: 16509, as_org: 'AMAZON-02', asn_kind: 'hosting' },
  torExit: { country: 'NL', city: 'Amsterdam', lat: 52.37, lon: 4.89, asn: 64540, as_org: 'Tor Exit Relay', asn_kind: 'tor' },
  torLondon: { country: 'GB', city: 'London', lat: 51.52, lon: -0.09, asn: 64542, as_org: 'Relay Association', asn_kind: 'tor' },
  vpnTokyo: { country: 'JP', city: 'Tokyo', lat: 35.68, lon: 139.69, asn: 64550, as_org: 'Nord VPN', asn_kind: 'vpn' },
  londonFibre: { country: 'GB', city: 'London', lat: 51.53, lon: -0.08, asn: 64505, as_org: 'City Fibre Homes', asn_kind: 'residential' },
  manchesterCable: {
    country: 'GB',
    city: 'Manchester',
    lat: 53.48,
    lon: -2.24,
    asn: 64504,
    as_org: 'Northern Cable',
    asn_kind: 'residential',
  },
} satisfies Record<string, GeoInfo>;

export type PlaceName = keyof typeof PLACES;

export const CLIENTS = {
  chromeMac: { ua: 'Mozilla/5.0 (Macintosh) Chrome/120', client: { family: 'Chrome', os: 'Mac OS', scripted: false } },
  firefoxLinux: { ua: 'Mozilla/5.0 (X11; Linux) Firefox/121', client: { family: 'Firefox', os: 'Linux', scripted: false } },
  safariIos: { ua: 'Mozilla/5.0 (iPhone) Safari', client: { family: 'Mobile Safari', os: 'iOS', scripted: false } },
  awsCli: { ua: 'aws-cli/2.15 Python/3.11 Linux', client: { family: 'aws-cli', os: 'Linux', scripted: true } },
  awsCliMac: { ua: 'aws-cli/2.15 Python/3.11 Darwin/23.1.0', client: { family: 'aws-cli', os: 'macOS', scripted: true } },
  terraform: { ua: 'APN/1.0 HashiCorp/1.0 Terraform/1.6', client: { family: 'Terraform', os: 'Linux', scripted: true } },
  pythonRequests: { ua: 'python-requests/2.31', client: { family: 'python-requests', os: undefined, scripted: true } },
  boto3: { ua: 'Boto3/1.34 Python/3.12 Linux', client: { family: 'Boto3', os: 'Linux', scripted: true } },
} as const;

export type ClientName = keyof typeof CLIENTS;

let seq = 0;

/** Options of one synthetic event. */
export interface EventSpec {
  at: number;
  cred: string;
  principal?: string;
  place?: PlaceName;
  ip?: string;
  client?: ClientName;
  op?: string;
  method?: string;
  path?: string;
  resource?: string;
  status?: number;
  outcome?: 'success' | 'failure';
  error?: string;
  interactive?: boolean;
  bytes?: number;
  lifecycle?: string;
  tls?: string;
  source?: string;
}

/** Build an enriched event like the ingest pipeline would. */
export function ev(s: EventSpec): EnrichedEvent {
  const place = s.place === undefined ? undefined : PLACES[s.place];
  const client = s.client === undefined ? undefined : CLIENTS[s.client];
  const e: EnrichedEvent = {
    id: `evt_${++seq}`,
    time: new Date(s.at).toISOString(),
    ts: s.at,
    credential_id: s.cred,
    credential_key: s.cred,
    outcome: s.outcome ?? (s.status !== undefined && s.status >= 400 ? 'failure' : 'success'),
    source_system: s.source ?? 'native',
  };
  if (s.principal !== undefined) e.principal = s.principal;
  if (place !== undefined) {
    e.geo = { ...place };
    e.source_ip = s.ip ?? `198.51.${place.asn % 256}.${(seq % 200) + 1}`;
  } else if (s.ip !== undefined) e.source_ip = s.ip;
  if (client !== undefined) {
    e.user_agent = client.ua;
    e.client = { family: client.client.family, scripted: client.client.scripted };
    if (client.client.os !== undefined) e.client.os = client.client.os;
  }
  if (s.op !== undefined) e.operation = s.op;
  if (s.method !== undefined) e.method = s.method;
  if (s.path !== undefined) e.path = s.path;
  if (s.resource !== undefined) e.resource = s.resource;
  if (s.status !== undefined) e.status = s.status;
  if (s.error !== undefined) e.error_code = s.error;
  if (s.interactive !== undefined) e.interactive = s.interactive;
  if (s.bytes !== undefined) e.bytes_out = s.bytes;
  if (s.lifecycle !== undefined) e.lifecycle = s.lifecycle;
  if (s.tls !== undefined) e.tls_fingerprint = s.tls;
  return e;
}

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Monday 2026-01-05 00:00 UTC. */
export const T0 = Date.UTC(2026, 0, 5);

/** Feed events, collecting alerts. */
export function run(engine: DetectionEngine, events: Iterable<EnrichedEvent>): Alert[] {
  const out: Alert[] = [];
  for (const e of events) out.push(...engine.process(e));
  out.push(...engine.flush());
  return out;
}

/**
 * A habitual history: `days` weekdays of work between `startHour` and `endHour` UTC, `perDay` events a day,
 * from the given places and client, cycling through `ops`.
 */
export function* workdays(opts: {
  cred: string;
  principal?: string;
  days: number;
  perDay: number;
  places: PlaceName[];
  client: ClientName;
  ops?: string[];
  paths?: Array<[string, string]>;
  startHour?: number;
  endHour?: number;
  weekends?: boolean;
  interactive?: boolean;
  start?: number;
  ipsPerPlace?: number;
}): Generator<EnrichedEvent> {
  const startHour = opts.startHour ?? 9;
  const endHour = opts.endHour ?? 17;
  const start = opts.start ?? T0;
  let n = 0;
  for (let d = 0; d < opts.days; d++) {
    const dayStart = start + d * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    if (!opts.weekends && (weekday === 0 || weekday === 6)) continue;
    for (let i = 0; i < opts.perDay; i++) {
      const at = dayStart + startHour * HOUR + Math.floor(((endHour - startHour) * HOUR * i) / opts.perDay);
      const placeName = opts.places[(d + i) % opts.places.length]!;
      const place = PLACES[placeName];
      const spec: EventSpec = {
        at,
        cred: opts.cred,
        place: placeName,
        client: opts.client,
        ip: `198.51.${place.asn % 256}.${(n % (opts.ipsPerPlace ?? 3)) + 1}`,
      };
      if (opts.principal !== undefined) spec.principal = opts.principal;
      if (opts.interactive !== undefined) spec.interactive = opts.interactive;
      if (opts.ops !== undefined) spec.op = opts.ops[n % opts.ops.length]!;
      if (opts.paths !== undefined) {
        const [method, path] = opts.paths[n % opts.paths.length]!;
        spec.method = method;
        spec.path = path;
      }
      n++;
      yield ev(spec);
    }
  }
}

/** Alerts of high or critical severity. */
export function pages(alerts: Alert[]): Alert[] {
  return alerts.filter((a) => a.severity === 'high' || a.severity === 'critical');
}

/** Alice: 30 days of office-hours console work in London from home and office, always Chrome on a Mac. */
export function aliceHistory(days = 30): EnrichedEvent[] {
  return [
    ...workdays({
      cred: 'AKIAALICE',
      principal: 'alice',
      days,
      perDay: 20,
      places: ['londonHome', 'londonOffice'],
      client: 'chromeMac',
      interactive: true,
      ops: ['s3:ListBuckets', 's3:GetObject', 'ec2:DescribeInstances', 'cloudwatch:GetMetricData'],
    }),
  ];
}

/** The first moment after Alice's history (Monday 10:00 UTC of the following week). */
export const AFTER = T0 + 35 * DAY + 10 * HOUR;

/** Alerts of one rule. */
export function byRule(alerts: Alert[], rule: string): Alert[] {
  return alerts.filter((a) => a.rule === rule);
}

/** A stolen cloud key settling in: whoami, a new key, a look at the users, an admin policy, a backdoor user with a console password. */
export const ESCALATION_OPS: readonly string[] = [
  'sts:GetCallerIdentity',
  'iam:CreateAccessKey',
  'iam:ListUsers',
  'iam:AttachUserPolicy',
  'iam:CreateUser',
  'iam:CreateLoginProfile',
];
