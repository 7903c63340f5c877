import {
  B_HLL_IP,
  HLL_IP_REGISTERS,
  K_ASN,
  K_CITY,
  K_COUNTRY,
  K_IP,
  RECENT,
  U_ASN,
  U_CITY,
  U_COUNTRY,
  U_IP,
  U_RECENT_ASN,
  U_RECENT_KIND,
  U_RECENT_ORG,
} from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { hllEstimate } from '../sketches/hyperloglog.js';
import { topKCount, topKCountAt, topKEntries, topKSize } from '../sketches/top-k.js';
import { INTERNAL_NETWORK_KEY } from '../unregistered-network.js';
import { asnKindCode } from './asn-kind-code.js';
import { knownToEither } from './baseline-knowledge.js';
import { eventStage } from './chain-position.js';
import { knownValues, round2 } from './evidence.js';
import { pinnedServer } from './pinned-server.js';
import { isSessionCredential } from './session-credential.js';
import type { DetectionContext, Finding } from './types.js';

/**
 * Score of an unknown network for a credential and principal with no history at all, before kind weighting.
 * Kept below the "unfamiliar context" level of other detectors: with no baseline there is nothing to be
 * unfamiliar with, only the network kind (Tor scores highest).
 */
const COLD_START_SCORE = 25;

/**
 * What remains of a new network's novelty when it is a residential ISP much of the organisation is on: enough for an
 * unaccustomed run of changes from it to count as a burst, never a page on its own.
 */
const COMMON_HOME_ISP_WEIGHT = 0.6;

/**
 * Kind weight, at least, of a credential's first call from outside the internal network it has only ever
 * called from: a cloud key lifted off its instance and replayed from the internet (GuardDuty's credential
 * exfiltration), however ordinary the outside network looks.
 */
const LEFT_INTERNAL_WEIGHT = 0.9;
/** Calls from inside after which leaving counts nearly in full (see the maturity scaling below). */
const LEFT_INTERNAL_MIN_EVENTS = 3;
const LEFT_INTERNAL_MATURITY = 0.8;

/** Events from one network after which it is part of the credential's baseline rather than news. */
const YOUNG_NETWORK_EVENTS = 20;
/** Events elsewhere from which a credential has a home to be away from. */
const ESTABLISHED_ELSEWHERE_EVENTS = 3;

/**
 * The novelty of a known address on a network that is still young for the credential: the context's suspicion
 * (raised when the network was new, decaying) while the credential has fewer than `YOUNG_NETWORK_EVENTS`
 * events from it and a few (`ESTABLISHED_ELSEWHERE_EVENTS`) elsewhere. The first call from a new network is the only one that
 * looks new otherwise: an attacker's second call (the CreateAccessKey after the GetCallerIdentity) would look
 * at home.
 */
function youngNetworkNovelty(ctx: DetectionContext): number {
  const { cred, principal } = ctx;
  if (ctx.asn === 0 || ctx.suspicion === 0) return 0;
  let seen = Math.max(topKCount(cred.u, cred.uo + U_ASN, K_ASN, ctx.asn), topKCount(principal.u, principal.uo + U_ASN, K_ASN, ctx.asn));
  // A young ASN of a cloud provider the credential has long used is not young.
  if (seen < YOUNG_NETWORK_EVENTS) seen = Math.max(seen, providerSeen(ctx));
  if (seen >= YOUNG_NETWORK_EVENTS) return 0;
  const elsewhere = Math.max(cred.events, principal.events) - seen;
  return elsewhere >= ESTABLISHED_ELSEWHERE_EVENTS ? ctx.suspicion : 0;
}

const PEOPLE_KINDS = new Set(['residential', 'mobile', 'business'].map((k) => asnKindCode(k as 'residential')));
/** AWS CloudShell calls from AWS's own addresses with the user's credentials: a person at the console, not a server. */
const CLOUD_SHELL = /exec-env\/CloudShell/i;

/**
 * True when every network the credential used lately (its recent-network slots) is where people are: home,
 * office or mobile. Such a key moving to a hosting network has been copied off a laptop onto a rented server.
 */
function onlyPeopleNetworks(p: Profile): boolean {
  let filled = 0;
  for (let i = 0; i < RECENT; i++) {
    if (p.u[p.uo + U_RECENT_ASN + i] === 0) continue;
    if (!PEOPLE_KINDS.has(p.u[p.uo + U_RECENT_KIND + i]!)) return false;
    filled++;
  }
  return filled > 0;
}

const HOSTING = asnKindCode('hosting');

/**
 * True when every network a machine's credential has lately called from (its recent-network slots) is a hosting
 * network of one organisation, and `org` is another: the key has left the one cloud it ran in.
 */
function leftCloud(p: Profile, org: number): boolean {
  let cloud = 0;
  for (let i = 0; i < RECENT; i++) {
    if (p.u[p.uo + U_RECENT_ASN + i] === 0) continue;
    const o = p.u[p.uo + U_RECENT_ORG + i]!;
    if (p.u[p.uo + U_RECENT_KIND + i] !== HOSTING || o === 0 || (cloud !== 0 && o !== cloud)) return false;
    cloud = o;
  }
  return cloud !== 0 && cloud !== org;
}

/** True when every network the profile knows is the internal one (and it knows one). */
function onlyInternal(p: Profile): boolean {
  const networks = topKEntries(p.u, p.uo + U_ASN, K_ASN);
  return networks.length > 0 && networks.every((e) => e.key === INTERNAL_NETWORK_KEY);
}

/**
 * Calls the credential or its principal made from networks of this hosting network's organisation (its AS name,
 * exactly: Microsoft's AS8075 and AS8069 are both "Microsoft Corporation"), whatever the ASN: more than none means a
 * CI runner or instance that moved to another region of its cloud, not a stolen key on a stranger's server. Names
 * are kept for values the organisation has seen (bounded); without one this is 0, as before. Asked only for a
 * network new or young to the credential, not on every event.
 */
function providerSeen(ctx: DetectionContext): number {
  const asOrg = ctx.ev.geo?.as_org;
  if (ctx.kind !== 'hosting' || !asOrg) return 0;
  const seen = seenOnProvider(ctx.cred, ctx.org.names, asOrg);
  return ctx.principal === ctx.cred ? seen : Math.max(seen, seenOnProvider(ctx.principal, ctx.org.names, asOrg));
}

/**
 * Calls of one profile from networks whose display name (`AS<n> <org>`) names `asOrg`. Read slot by slot, with no
 * array or substring per call: it runs for every event from a hosting network while the network is young.
 */
function seenOnProvider(p: Profile, names: ReadonlyMap<number, string>, asOrg: string): number {
  let seen = 0;
  for (let i = 0; i < K_ASN; i++) {
    const key = p.u[p.uo + U_ASN + i]!;
    if (key === 0) continue;
    const label = names.get(key);
    if (label === undefined) continue;
    // The organisation is what follows the label's first space (the whole label without one).
    const start = label.indexOf(' ') + 1;
    if (label.length - start === asOrg.length && label.startsWith(asOrg, start)) seen += topKCountAt(p.u, p.uo + U_ASN, K_ASN, i);
  }
  return seen;
}

/** Score of a session moved onto Tor mid-life: evidence of a replayed cookie, may page on its own. */
const SESSION_TO_TOR_SCORE = 70;
/**
 * Detector 1, new place. A first-seen country, ASN or city for the credential AND its principal (a user's new
 * key from their usual laptop is not a new place). The base score by what is new (country > ASN > city; a new
 * IP inside a known ASN and city scores nearly nothing, as residential IPs rotate) is weighted by the network
 * kind (Tor and hosting are where stolen tokens are replayed from; mobile and residential are where people
 * are) and divided when the ASN or country is common in the whole organisation (the office VPN). A mature
 * credential whose recent networks are all people's (home, office, mobile) scores a new hosting network as a new
 * country: a key copied off a laptop and replayed from a VPS in the victim's own country (AWS CloudShell aside).
 * Sets `ctx.placeNovelty` for the other detectors. Pure novelty: capped at `medium` alone.
 *
 * @example
 * ```ts
 * detectNewPlace(ctx, findings);
 * ```
 */
export function detectNewPlace(ctx: DetectionContext, out: Finding[]): void {
  ctx.placeNovelty = 0;
  if ((ctx.ipHash === 0 && ctx.asn === 0 && ctx.countryHash === 0) || ctx.appBackend) return;
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
  ) {
    ctx.placeNovelty = youngNetworkNovelty(ctx);
    return;
  }
  const countryKnown = knownToEither(cred, principal, U_COUNTRY, K_COUNTRY, ctx.countryHash);
  const asnKnown = knownToEither(cred, principal, U_ASN, K_ASN, ctx.asn);
  const cityKnown = knownToEither(cred, principal, U_CITY, K_CITY, ctx.cityHash);
  // Leaving the internal network is a new place at the country level, whatever the databases know.
  const leftInternal =
    ctx.asn !== INTERNAL_NETWORK_KEY &&
    !asnKnown &&
    onlyInternal(cred) &&
    (principal === cred || principal.events === 0 || onlyInternal(principal));
  // A mature credential of people's networks now on a hosting one (a VPS, a cloud instance): as telling as a new
  // country, since stolen keys are replayed from rented servers in the victim's own country to look ordinary.
  const leftPeople =
    !leftInternal &&
    !asnKnown &&
    ctx.kind === 'hosting' &&
    cred.events >= cfg.learning.minEvents &&
    onlyPeopleNetworks(cred) &&
    !(ctx.ev.user_agent !== undefined && CLOUD_SHELL.test(ctx.ev.user_agent));
  // A machine's key that has only ever called from its own cloud, now on another provider's server: lifted off its
  // instance or pipeline and replayed from a rented machine (GuardDuty's credential exfiltration outside AWS). A
  // handful of calls already say where it lives, as they do for the internal network.
  const leftItsCloud =
    !leftInternal &&
    !asnKnown &&
    ctx.kind === 'hosting' &&
    ctx.orgHash !== 0 &&
    cred.events >= LEFT_INTERNAL_MIN_EVENTS &&
    cred.interactiveShare === 0 &&
    leftCloud(cred, ctx.orgHash) &&
    providerSeen(ctx) === 0;
  // Another region of a cloud the credential already runs in (a fresh CI session on another runner) is news at the
  // level of a city, however far the region is.
  // Not for a server pinned to its host: its keys elsewhere in the same cloud are on another machine.
  const sameProvider = !leftInternal && !leftPeople && (!countryKnown || !asnKnown) && providerSeen(ctx) > 0 && !pinnedServer(ctx);
  let what: 'country' | 'asn' | 'city' | 'ip' | 'outside';
  let base: number;
  if (sameProvider) {
    what = 'city';
    base = np.newCityScore;
  } else if (leftInternal) {
    what = 'outside';
    base = np.newCountryScore + 5;
  } else if (!countryKnown) {
    what = 'country';
    base = np.newCountryScore + (asnKnown ? 0 : 5);
  } else if (!asnKnown) {
    what = 'asn';
    // Without registry data the country cannot be told apart: an unregistered network may be anywhere.
    base = ctx.networkLabel !== undefined || leftPeople ? np.newCountryScore : np.newAsnScore;
  } else if (!cityKnown) {
    what = 'city';
    base = np.newCityScore;
  } else {
    what = 'ip';
    base = 3;
  }
  let weight = leftInternal ? Math.max(weight0, LEFT_INTERNAL_WEIGHT) : weight0;
  // A network much of the company uses (the office VPN, its cloud) is familiar, but not a cloud's other country:
  // the company's servers in Virginia do not make a machine in Frankfurt on the same cloud one of its own. Nor is a
  // consumer ISP many employees live on anyone's shared network: it says who sells broadband in the company's towns,
  // not that this person was ever on it (a residential proxy exit in the victim's city is on one of them).
  if (asnCommon && !(ctx.kind === 'hosting' && what === 'country')) weight *= ctx.kind === 'residential' ? COMMON_HOME_ISP_WEIGHT : 0.2;
  else if (what === 'country' && org.isCommon(org.countries, ctx.countryHash)) weight *= 0.8;
  // A thin baseline makes everything look new: scale by how much history exists.
  const history = Math.max(cred.events, principal.events);
  let maturity = Math.min(1, 0.4 + (0.6 * history) / Math.max(1, cfg.learning.minEvents));
  // A handful of calls, all from inside, already say where this key lives.
  if (leftInternal && history >= LEFT_INTERNAL_MIN_EVENTS) maturity = Math.max(maturity, LEFT_INTERNAL_MATURITY);
  // A machine does not change provider on its own: its few calls from one cloud are all the baseline there is to have.
  if (leftItsCloud) maturity = 1;
  // A session (an Okta session, a refresh or access token) that was in use from another network continuing over Tor is its
  // cookie replayed by someone hiding: people do not move a signed-in browser session onto Tor. Evidence, not novelty.
  const sessionToTor = ctx.kind === 'tor' && !asnKnown && topKSize(cred.u, cred.uo + U_ASN, K_ASN) > 0 && isSessionCredential(ctx);
  const score = sessionToTor ? Math.max(base * weight * maturity, SESSION_TO_TOR_SCORE) : base * weight * maturity;
  // A new address on a young network (an attacker hopping addresses within one provider) stays as new as the network.
  ctx.placeNovelty = asnKnown ? Math.max(score, youngNetworkNovelty(ctx)) : score;
  if (score < np.minReportScore) return;
  const g = ctx.ev.geo;
  out.push({
    rule: 'new_place',
    score,
    stage: eventStage(ctx),
    summary:
      `${sessionToTor ? 'session continued over Tor after use from elsewhere; ' : ''}${what === 'outside' ? 'first use of this credential from outside the internal network it always used' : `first use of this credential from a new ${sameProvider ? 'region of a cloud provider it already uses' : what === 'asn' ? (leftPeople ? 'hosting network after only home, office or mobile ones' : 'network') : what}`}: ${g?.country ?? '?'} ${g?.city ?? ''} ${ctx.networkLabel ?? `AS${ctx.asn} ${g?.as_org ?? ''}`} (${ctx.kind})`.replace(
        /\s+/g,
        ' ',
      ),
    evidence: {
      new: what,
      source_ip: ctx.ev.source_ip,
      country: g?.country,
      city: g?.city,
      asn: ctx.networkLabel === undefined ? ctx.asn || undefined : undefined,
      network: ctx.networkLabel,
      as_org: g?.as_org,
      asn_kind: ctx.kind,
      kind_weight: weight0,
      org_common_asn: asnCommon,
      org_principals_on_asn: org.asns.principals(ctx.asn),
      left_people_networks: leftPeople || undefined,
      left_its_cloud: leftItsCloud || undefined,
      same_provider: sameProvider || undefined,
      session_moved_to_tor: sessionToTor || undefined,
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
    noveltyOnly: !sessionToTor,
    suspicion: score,
  });
}
