/**
 * Okta System Log events written the way Okta's `/api/v1/logs` returns them: actor, client with its
 * geographical context (country as a name, not a code), securityContext (ASN, ISP, proxy flag),
 * authenticationContext with the session's `externalSessionId` (or `unknown` for API-token calls, which
 * name their token in `transaction.detail.requestApiTokenId`), debugContext, request.ipChain and targets.
 */
import { createHash } from 'node:crypto';

/** Where a request came from, as Okta's GeoIP and ASN lookups describe it. */
export interface OktaPlace {
  ip: string;
  city: string;
  state: string;
  country: string;
  lat: number;
  lon: number;
  asn: number;
  asOrg: string;
  isp: string;
  domain: string;
  isProxy?: boolean;
}

export interface OktaActor {
  id: string;
  type: 'User' | 'PublicClientApp' | 'SystemPrincipal';
  alternateId: string;
  displayName: string;
}

export interface OktaEventSpec {
  at: number;
  eventType: string;
  actor: OktaActor;
  place: OktaPlace;
  ua: string;
  /** The session (`externalSessionId`); `unknown` for calls with an API token. */
  session: string;
  /** API token id of an SSWS call. */
  apiToken?: string;
  target?: { id: string; type: string; alternateId: string; displayName: string; detailEntry?: Record<string, string> }[];
  result?: 'SUCCESS' | 'FAILURE' | 'DENY' | 'ALLOW' | 'CHALLENGE';
  reason?: string;
  displayMessage?: string;
  requestUri?: string;
  severity?: 'INFO' | 'WARN';
  device?: string;
  /**
   * The browser's device token (Okta's `DT` cookie, logged as `debugData.dtHash`): it survives browser updates,
   * and an infostealer that dumps every cookie carries it along with the session. Default: one per person, browser
   * and OS.
   */
  deviceToken?: string;
  /** More of `debugContext.debugData`, as Okta's risk engine and behaviour detection write it (`risk`, `behaviors`). */
  debugData?: Record<string, string>;
  /**
   * The OAuth client the request was made for (`client.id`): Okta writes it on an authorization server's events (an
   * authorize request, a consent, a token grant). Default: null, as on a sign-in or an admin change.
   */
  clientId?: string;
}

function hex(seed: string, n: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, n);
}

/** An Okta id (`00u...`, `0oa...`, `00p...`): a prefix and 17 base62 characters, stable for a seed. */
export function oktaId(prefix: string, seed: string): string {
  return prefix + Buffer.from(hex(seed, 26), 'hex').toString('base64url').slice(0, 17);
}

/** An Identity Engine session id (`idx...`), stable for a seed. */
export function sessionId(seed: string): string {
  return `idx${Buffer.from(hex(`s${seed}`, 32), 'hex')
    .toString('base64url')
    .slice(0, 22)}`;
}

function browserOf(ua: string): { os: string; browser: string } {
  const os = /Windows/.test(ua)
    ? 'Windows 10'
    : /iPhone/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'Mac OS X'
        : /Linux/.test(ua)
          ? 'Linux'
          : 'Unknown';
  const browser = /Edg\//.test(ua)
    ? 'EDGE_CHROMIUM'
    : /Chrome\//.test(ua)
      ? 'CHROME'
      : /Firefox\//.test(ua)
        ? 'FIREFOX'
        : /Safari\//.test(ua)
          ? 'SAFARI'
          : 'UNKNOWN';
  return { os, browser };
}

/**
 * One System Log event.
 *
 * @example
 * ```ts
 * oktaEvent({ at: Date.now(), eventType: 'user.session.start', actor, place, ua, session: sessionId('x') });
 * ```
 */
export function oktaEvent(e: OktaEventSpec): Record<string, unknown> {
  const geo = {
    city: e.place.city,
    state: e.place.state,
    country: e.place.country,
    postalCode: null,
    geolocation: { lat: e.place.lat, lon: e.place.lon },
  };
  const seed = `${e.at}|${e.eventType}|${e.session}|${e.actor.id}|${JSON.stringify(e.target ?? [])}`;
  const { os, browser } = browserOf(e.ua);
  return {
    actor: { ...e.actor, detailEntry: null },
    client: {
      userAgent: { rawUserAgent: e.ua, os, browser },
      zone: 'null',
      device: e.device ?? (e.apiToken ? 'Unknown' : 'Computer'),
      id: e.clientId ?? null,
      ipAddress: e.place.ip,
      geographicalContext: geo,
    },
    device: null,
    authenticationContext: {
      authenticationProvider: null,
      credentialProvider: null,
      credentialType: null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      rootSessionId: e.session,
      externalSessionId: e.session,
    },
    displayMessage: e.displayMessage ?? e.eventType,
    eventType: e.eventType,
    outcome: { result: e.result ?? 'SUCCESS', reason: e.reason ?? null },
    published: new Date(e.at).toISOString(),
    securityContext: {
      asNumber: e.place.asn,
      asOrg: e.place.asOrg,
      isp: e.place.isp,
      domain: e.place.domain,
      isProxy: e.place.isProxy ?? false,
    },
    severity: e.severity ?? 'INFO',
    debugContext: {
      debugData: {
        requestId: hex(`r${seed}`, 27),
        requestUri: e.requestUri ?? '/api/v1/authn',
        url: e.requestUri ?? '/api/v1/authn',
        threatSuspected: 'false',
        ...(e.apiToken ? {} : { dtHash: hex(`dt${e.deviceToken ?? `${e.actor.id}|${browser}|${os}`}`, 64) }),
        ...e.debugData,
      },
    },
    legacyEventType: null,
    transaction: { type: e.apiToken ? 'WEB' : 'WEB', id: hex(`t${seed}`, 27), detail: e.apiToken ? { requestApiTokenId: e.apiToken } : {} },
    uuid: `${hex(`u${seed}`, 8)}-${hex(`u2${seed}`, 4)}-11ef-${hex(`u3${seed}`, 4)}-${hex(`u4${seed}`, 12)}`,
    version: '0',
    request: { ipChain: [{ ip: e.place.ip, geographicalContext: geo, version: 'V4', source: null }] },
    target: e.target ?? [],
  };
}

function place(
  ip: string,
  city: string,
  state: string,
  country: string,
  lat: number,
  lon: number,
  asn: number,
  isp: string,
  domain: string,
): OktaPlace {
  return { ip, city, state, country, lat, lon, asn, asOrg: isp, isp, domain };
}

/** Places as Okta describes them (its own ASN data; DB-IP agrees on these addresses). */
export const PLACES = {
  chicagoHome: place(
    '73.22.10.5',
    'Oak Park',
    'Illinois',
    'United States',
    41.885,
    -87.7845,
    7922,
    'comcast cable communications  llc',
    'comcast.net',
  ),
  denverHome: place(
    '174.63.10.5',
    'Denver',
    'Colorado',
    'United States',
    39.7392,
    -104.99,
    7922,
    'comcast cable communications  llc',
    'comcast.net',
  ),
  nyHome: place('96.232.10.4', 'New York', 'New York', 'United States', 40.7831, -73.9713, 701, 'verizon business', 'verizon.net'),
  zscalerUs: place('165.225.8.10', 'Reston', 'Virginia', 'United States', 38.9586, -77.357, 22616, 'zscaler  inc.', 'zscaler.net'),
  tmobile: place(
    '172.56.10.5',
    'Minneapolis',
    'Minnesota',
    'United States',
    45.0533,
    -93.2475,
    21928,
    't-mobile usa  inc.',
    'mycingular.net',
  ),
  londonHotel: place(
    '86.140.22.5',
    'London',
    'England',
    'United Kingdom',
    51.5072,
    -0.1276,
    2856,
    'british telecommunications plc',
    'bt.com',
  ),
  awsUsEast: place('3.80.12.5', 'Ashburn', 'Virginia', 'United States', 39.0438, -77.4874, 14618, 'amazon.com  inc.', 'amazonaws.com'),
  // Where a thief replays from: a VPS, and a Moscow ISP.
  hetznerFi: place('95.216.10.5', 'Helsinki', 'Uusimaa', 'Finland', 60.1699, 24.9384, 24940, 'hetzner online gmbh', 'your-server.de'),
  moscow: place('109.73.45.5', 'Moscow', 'Moscow', 'Russia', 55.7558, 37.6173, 29226, 'jsc mastertel', 'mastertel.ru'),
  // A residential proxy exit (a subscriber's line resold to proxy customers): Okta flags it as a proxy.
  residentialProxy: {
    ...place(
      '24.176.10.20',
      'Saint Louis',
      'Missouri',
      'United States',
      38.627,
      -90.1994,
      20115,
      'charter communications inc',
      'charter.com',
    ),
    isProxy: true,
  },
  // A Tor exit; Okta's own proxy detection flags it.
  torExit: {
    ...place('185.220.101.4', 'Berlin', 'Land Berlin', 'Germany', 52.52, 13.405, 60729, 'stiftung erneuerbare freiheit', 'unknown'),
    isProxy: true,
  },
  // An Okta administrator's home line: Cox in Chandler, Arizona.
  chandlerHome: place(
    '68.2.114.37',
    'Chandler',
    'Arizona',
    'United States',
    33.3062,
    -111.841,
    22773,
    'cox communications inc.',
    'cox.net',
  ),
  // A remote hire's home line: Sparklight (Cable One) in Nampa, Idaho, a town nobody else in the org signs in from.
  nampaHome: place('184.155.42.88', 'Nampa', 'Idaho', 'United States', 43.5788, -116.56, 11492, 'cable one  inc.', 'cableone.net'),
  // A home line on Sonic fiber in Petaluma, California.
  petalumaHome: place('23.93.0.140', 'Petaluma', 'California', 'United States', 38.2324, -122.637, 46375, 'sonic telecom llc', 'sonic.net'),
  // A home line on Spectrum in Manhattan.
  nySpectrumHome: place(
    '74.66.20.10',
    'New York',
    'New York',
    'United States',
    40.7366,
    -74.0094,
    12271,
    'charter communications inc',
    'rr.com',
  ),
  // A NordVPN server in Lisbon (PacketHub S.A., NordVPN's network): Okta flags it as a proxy.
  nordVpnLisbon: {
    ...place('31.130.242.77', 'Lisbon', 'Lisbon', 'Portugal', 38.7223, -9.1393, 136787, 'packethub s.a.', 'nordvpn.com'),
    isProxy: true,
  },
  // Google Cloud europe-west1: two NAT addresses of a SaaS backend, which DB-IP places in Brussels.
  gcpBelgium: place(
    '34.76.143.22',
    'Brussels',
    'Brussels Capital',
    'Belgium',
    50.8476,
    4.3572,
    396982,
    'google llc',
    'googleusercontent.com',
  ),
  gcpBelgium2: place(
    '34.77.22.9',
    'Brussels',
    'Brussels Capital',
    'Belgium',
    50.8476,
    4.3572,
    396982,
    'google llc',
    'googleusercontent.com',
  ),
  // T-Mobile USA addresses a phone in New York is handed: DB-IP places most in the city, one pool in Honolulu.
  tmobileNyc: place(
    '172.56.30.77',
    'New York',
    'New York',
    'United States',
    40.7143,
    -74.006,
    21928,
    't-mobile usa  inc.',
    'mycingular.net',
  ),
  tmobileJacksonHeights: place(
    '172.56.162.21',
    'Jackson Heights',
    'New York',
    'United States',
    40.7557,
    -73.8854,
    21928,
    't-mobile usa  inc.',
    'mycingular.net',
  ),
  tmobileEastHarlem: place(
    '172.56.44.19',
    'East Harlem',
    'New York',
    'United States',
    40.7947,
    -73.9425,
    21928,
    't-mobile usa  inc.',
    'mycingular.net',
  ),
  tmobileBrooklyn: place(
    '172.58.232.61',
    'Brooklyn',
    'New York',
    'United States',
    40.6782,
    -73.9442,
    21928,
    't-mobile usa  inc.',
    'mycingular.net',
  ),
  tmobileHonolulu: place(
    '172.58.17.90',
    'Honolulu',
    'Hawaii',
    'United States',
    21.3099,
    -157.858,
    21928,
    't-mobile usa  inc.',
    'mycingular.net',
  ),
} satisfies Record<string, OktaPlace>;

export const BROWSERS = {
  macChrome124: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  macChrome125: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
  macSafari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  winChrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  winEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  oktaSdk: 'okta-sdk-python/2.9.5 python/3.11.8 Linux/5.10.213-201.855.amzn2.x86_64',
  torBrowser: 'Mozilla/5.0 (Windows NT 10.0; rv:115.0) Gecko/20100101 Firefox/115.0',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  // A SaaS backend's Ruby HTTP client (Faraday), as it names itself.
  rubyFaraday: 'Faraday v2.9.0',
} as const;

/** A person as an event's actor: `<login>@acme.io`. */
export function oktaUser(login: string, name: string): OktaActor {
  return { id: oktaId('00u', login), type: 'User', alternateId: `${login}@acme.io`, displayName: name };
}

/** A person as an event's target. */
export const userTarget = (a: OktaActor) => ({ id: a.id, type: 'User', alternateId: a.alternateId, displayName: a.displayName });

/** The token a grant hands out, as the event's target names it (`detailEntry.subject` is the person). */
export function tokenTarget(kind: 'access_token' | 'id_token' | 'refresh_token', subject: OktaActor, seed: string) {
  const names = { access_token: 'Access Token', id_token: 'ID Token', refresh_token: 'Refresh Token' };
  return {
    id: `${kind === 'refresh_token' ? 'rt' : kind === 'id_token' ? 'ID' : 'AT'}.${oktaId('', seed)}`,
    type: kind,
    alternateId: 'unknown',
    displayName: names[kind],
    detailEntry: { expires: kind === 'refresh_token' ? 'in 90 days' : 'in 1 hour', subject: subject.id, hash: oktaId('', `h${seed}`) },
  };
}
