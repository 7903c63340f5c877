import type { OrgStats } from '../profile/org-stats.js';
import { type OrgMemory, orgState, rememberLatest } from './org-memory.js';
import type { DetectionContext } from './types.js';

/** Other people whose tokens an OAuth client must have used from a network and client before it is the app's backend. */
export const APP_BACKEND_MIN_PEOPLE = 2;
/** OAuth clients remembered per engine; the oldest is forgotten first. */
const MAX_CLIENTS = 10_000;
/** Backends (network and HTTP client) remembered per OAuth client. */
const MAX_BACKENDS = 32;

/** One backend of an app: the people whose tokens it used (their principal hashes, up to what the rule needs + 1). */
type People = number[];

/**
 * Where each OAuth client's delegated tokens are used from, per engine (keyed by its organisation statistics, saved in
 * the snapshot by `APP_BACKENDS_MEMORY`): the client id → `network:client` → the people whose tokens were used there.
 */
const BACKENDS = new WeakMap<OrgStats, Map<string, Map<string, People>>>();

const newBackends = (): Map<string, Map<string, People>> => new Map();
/** Place or client novelty below which a person's authorization came from their usual context. */
const FAMILIAR_NOVELTY = 30;

/** Grants onboarded by their person remembered per engine; the oldest is forgotten first. */
const MAX_ONBOARDED = 100_000;
/**
 * How soon after a person authorized an app in their own session its backend redeems the code: Okta's authorization
 * codes live 60 seconds, and a backend redeems at once.
 */
const ONBOARD_WINDOW_MS = 2 * 60_000;
/** Okta's management scopes: an app a person lets administer the org is never routine onboarding. */
const MANAGEMENT_SCOPE = /(^|\s)okta\./;

/**
 * Per engine: the person's own authorizations (`client|person` → when, from a familiar context: kept minutes), and the
 * grants they onboarded (`client|person` → the backend that redeemed the code, in the snapshot by
 * `ONBOARDED_GRANTS_MEMORY`).
 */
interface Onboarding {
  authorized: Map<string, number>;
  onboarded: Map<string, string>;
}
const ONBOARDING = new WeakMap<OrgStats, Onboarding>();
const newOnboarding = (): Onboarding => ({ authorized: new Map(), onboarded: new Map() });

/**
 * The OAuth client that holds the event's delegated token (set by the Okta parser), or undefined.
 *
 * @example
 * ```ts
 * oauthClientOf(ctx); // '0oa8ramp' for a grant keyed '0oa8ramp/00u1'
 * ```
 */
export function oauthClientOf(ctx: DetectionContext): string | undefined {
  const client = ctx.ev.attributes?.oauth_client;
  return typeof client === 'string' && client.length > 0 ? client : undefined;
}

/** The event's backend key: its cloud provider (or ASN) and HTTP client. */
function backendKey(ctx: DetectionContext): string | undefined {
  const network = ctx.orgHash !== 0 ? ctx.orgHash : ctx.asn;
  return network === 0 || ctx.clientHash === 0 ? undefined : `${network}:${ctx.clientHash}`;
}

/**
 * True when the event is an OAuth app using a person's token from where, and with what, it has already used at least
 * `APP_BACKEND_MIN_PEOPLE` other people's: the app's own servers refreshing tokens (an expense tool's backend on AWS,
 * with okhttp). A person's first grant to the app is new to the person, never to the app: read against the person's
 * browser habits, every person the app serves would page for the app's cloud and HTTP library. A stolen refresh
 * token replayed from anywhere else, or a new app's first people, still are news.
 *
 * @example
 * ```ts
 * if (isKnownAppBackend(ctx)) return; // no place or client novelty
 * ```
 */
export function isKnownAppBackend(ctx: DetectionContext): boolean {
  const client = oauthClientOf(ctx);
  if (client === undefined) return false;
  const key = backendKey(ctx);
  if (key !== undefined && onboardedHere(ctx, client, key)) return true;
  const people = key === undefined ? undefined : BACKENDS.get(ctx.org)?.get(client)?.get(key);
  if (people === undefined) return false;
  let others = 0;
  for (const p of people) if (p !== ctx.principalHash) others++;
  return others >= APP_BACKEND_MIN_PEOPLE;
}

/**
 * Remembers that the event's OAuth client used its principal's token from the event's network and client (a
 * successful call only: refusals say nothing about where the app runs).
 *
 * @example
 * ```ts
 * noteAppBackend(ctx);
 * ```
 */
export function noteAppBackend(ctx: DetectionContext): void {
  if (ctx.ev.outcome === 'failure') return;
  noteAuthorization(ctx);
  const client = oauthClientOf(ctx);
  if (client === undefined) return;
  const key = backendKey(ctx);
  if (key === undefined) return;
  noteOnboarded(ctx, client, key);
  const all = orgState(BACKENDS, ctx.org, newBackends);
  let backends = all.get(client);
  if (backends === undefined) {
    if (all.size >= MAX_CLIENTS) all.delete(all.keys().next().value as string);
    backends = new Map();
    all.set(client, backends);
  }
  let people = backends.get(key);
  if (people === undefined) {
    if (backends.size >= MAX_BACKENDS) return;
    people = [];
    backends.set(key, people);
  }
  if (people.length <= APP_BACKEND_MIN_PEOPLE && !people.includes(ctx.principalHash)) people.push(ctx.principalHash);
}

/** The app backends, in the engine's snapshot: `[client, [[backend, [person hashes]]...]]`. */
export const APP_BACKENDS_MEMORY: OrgMemory = {
  name: 'oauth.app_backends',
  save: (org) => [...(BACKENDS.get(org) ?? newBackends())].map(([client, backends]) => [client, [...backends]]),
  load: (org, data) => {
    if (!Array.isArray(data)) return;
    const all = orgState(BACKENDS, org, newBackends);
    for (const entry of data) {
      if (all.size >= MAX_CLIENTS) break;
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
      const backends = new Map<string, People>();
      for (const b of entry[1] as unknown[]) {
        if (backends.size >= MAX_BACKENDS) break;
        if (!Array.isArray(b) || typeof b[0] !== 'string' || !Array.isArray(b[1])) continue;
        const people = (b[1] as unknown[]).filter((p): p is number => Number.isInteger(p)).slice(0, APP_BACKEND_MIN_PEOPLE + 1);
        backends.set(b[0], people);
      }
      all.set(entry[0], backends);
    }
  },
};

/** `client|person` of an OAuth grant or authorization. */
function pairKey(client: string, ctx: DetectionContext): string | undefined {
  const who = ctx.ev.principal;
  return who === undefined ? undefined : `${client}|${who}`;
}

/** True when the grant may be onboarding: not a device code (its tokens go to a device, not an app's backend), no admin scopes. */
function onboardable(ctx: DetectionContext): boolean {
  const a = ctx.ev.attributes;
  if (a?.oauth_grant_type === 'device_code') return false;
  return !(typeof a?.oauth_scopes === 'string' && MANAGEMENT_SCOPE.test(a.oauth_scopes));
}

/**
 * True when this grant's backend is the one that redeemed the person's own authorization of the app (this very code
 * redemption, or a refresh from where it was redeemed): a SaaS app onboarded by its user, whose servers sit in a cloud
 * the person never used, with an HTTP library, seconds after they clicked "Allow".
 */
function onboardedHere(ctx: DetectionContext, client: string, key: string): boolean {
  const pair = pairKey(client, ctx);
  const state = ONBOARDING.get(ctx.org);
  if (pair === undefined || state === undefined || !onboardable(ctx)) return false;
  return freshlyAuthorized(state, pair, ctx.now) || state.onboarded.get(pair) === key;
}

/** True when the person authorized the app within the window before `now`. */
function freshlyAuthorized(state: Onboarding, pair: string, now: number): boolean {
  const at = state.authorized.get(pair);
  return at !== undefined && now >= at && now - at <= ONBOARD_WINDOW_MS;
}

/** Remembers a person's authorization of an app in their own session, from a context not suspect. */
function noteAuthorization(ctx: DetectionContext): void {
  const client = ctx.ev.attributes?.oauth_authorized_client;
  if (typeof client !== 'string' || client.length === 0) return;
  const familiar =
    ctx.placeNovelty < FAMILIAR_NOVELTY && ctx.clientNovelty < FAMILIAR_NOVELTY && ctx.suspicion < ctx.cfg.chain.contextMinScore;
  const pair = pairKey(client, ctx);
  if (!familiar || pair === undefined) return;
  const state = orgState(ONBOARDING, ctx.org, newOnboarding);
  // Authorizations are kept minutes: drop those past the window before adding one.
  for (const [k, at] of state.authorized) {
    if (ctx.now - at <= ONBOARD_WINDOW_MS) break;
    state.authorized.delete(k);
  }
  rememberLatest(state.authorized, pair, ctx.now, Number.POSITIVE_INFINITY);
}

/** Remembers the backend that redeemed a person's fresh authorization. */
function noteOnboarded(ctx: DetectionContext, client: string, key: string): void {
  const pair = pairKey(client, ctx);
  const state = ONBOARDING.get(ctx.org);
  // A fresh authorization names the backend anew (the app moved, or the person consented again).
  if (pair === undefined || state === undefined || !onboardable(ctx) || !freshlyAuthorized(state, pair, ctx.now)) return;
  rememberLatest(state.onboarded, pair, key, MAX_ONBOARDED);
}

/** The grants onboarded by their people, in the engine's snapshot: `[client|person, backend]`. */
export const ONBOARDED_GRANTS_MEMORY: OrgMemory = {
  name: 'oauth.onboarded_grants',
  save: (org) => [...(ONBOARDING.get(org)?.onboarded ?? [])],
  load: (org, data) => {
    if (!Array.isArray(data)) return;
    const state = orgState(ONBOARDING, org, newOnboarding);
    for (const entry of data) {
      if (state.onboarded.size >= MAX_ONBOARDED) break;
      if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string') state.onboarded.set(entry[0], entry[1]);
    }
  },
};

/**
 * The HTTP clients of an OAuth client's established backends (those already used for `APP_BACKEND_MIN_PEOPLE`
 * people or more), as client hashes; undefined when the app has none yet.
 *
 * @example
 * ```ts
 * establishedBackendClients(ctx.org, '0oa8ramp'); // Set { 1458589089 }
 * ```
 */
export function establishedBackendClients(org: OrgStats, client: string): Set<number> | undefined {
  const backends = BACKENDS.get(org)?.get(client);
  if (backends === undefined) return undefined;
  let out: Set<number> | undefined;
  for (const [key, people] of backends) {
    if (people.length < APP_BACKEND_MIN_PEOPLE) continue;
    out ??= new Set();
    out.add(Number(key.slice(key.lastIndexOf(':') + 1)));
  }
  return out;
}
